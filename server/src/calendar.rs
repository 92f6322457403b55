//! The working-day calendar the server counts deadlines on: the shipped one with the
//! years administrators replaced (stored in `calendar_years`), swapped whole on an edit
//! so that a request always counts on one consistent calendar.

use std::sync::{Arc, RwLock};

use adal_core::calendar::{Calendar, CalendarError, Year};
use sha2::{Digest, Sha256};

/// The current calendar, shared by every handler.
#[derive(Clone)]
pub struct SharedCalendar {
    current: Arc<RwLock<Current>>,
}

struct Current {
    calendar: Arc<Calendar>,
    /// The public JSON (`GET /api/v1/calendar`) and its ETag.
    json: Arc<[u8]>,
    etag: Arc<str>,
}

impl Current {
    fn new(calendar: Calendar) -> Current {
        // Serialising dates and flags cannot fail; the fallback is a formality.
        let json: Arc<[u8]> = serde_json::to_vec(&calendar).unwrap_or_default().into();
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&json))[..32]).into();
        Current { calendar: Arc::new(calendar), json, etag }
    }
}

impl SharedCalendar {
    /// `shipped` with the `edited` years in place of its own.
    pub fn new(shipped: Calendar, edited: Vec<Year>) -> Result<SharedCalendar, CalendarError> {
        let mut calendar = shipped;
        for year in edited {
            calendar = calendar.with_year(year)?;
        }
        Ok(SharedCalendar { current: Arc::new(RwLock::new(Current::new(calendar))) })
    }

    /// The calendar as it is now.
    pub fn get(&self) -> Arc<Calendar> {
        self.read(|c| c.calendar.clone())
    }

    /// Its JSON and ETag.
    pub fn public(&self) -> (Arc<[u8]>, Arc<str>) {
        self.read(|c| (c.json.clone(), c.etag.clone()))
    }

    /// Puts `calendar` in place, for every request from now on.
    pub fn replace(&self, calendar: Calendar) {
        let current = Current::new(calendar);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = current;
    }

    fn read<R>(&self, f: impl FnOnce(&Current) -> R) -> R {
        f(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }
}
