//! What each client address holds in unfinished uploads, so that one address cannot fill
//! the disk with parts it never completes.
//!
//! Kept in memory only: no address is ever written down beside an upload (a photo is part
//! of a submission, which nothing links to a person). After a restart the count starts
//! again from nothing, and parts from before are bounded by their expiry alone.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Why a part was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuotaExceeded {
    #[error("this address holds {0} unfinished uploads, the most it may; they finish or expire")]
    Uploads(usize),
    #[error(
        "this address holds {0} MiB of unfinished uploads, the most it may; they finish or expire"
    )]
    Bytes(u64),
}

/// The unfinished uploads of every address; see the module's documentation.
#[derive(Clone)]
pub struct UploadQuota {
    max_uploads: usize,
    max_bytes: u64,
    held: Arc<Mutex<Held>>,
}

#[derive(Default)]
struct Held {
    by_ip: HashMap<IpAddr, HashSet<Uuid>>,
    uploads: HashMap<Uuid, Upload>,
}

/// One unfinished upload: whose, its parts' lengths, when a part last came.
struct Upload {
    ip: IpAddr,
    parts: HashMap<u32, u64>,
    last: Instant,
}

impl Held {
    fn bytes_of(&self, ip: IpAddr) -> u64 {
        let ids = self.by_ip.get(&ip).into_iter().flatten();
        ids.filter_map(|id| self.uploads.get(id)).flat_map(|upload| upload.parts.values()).sum()
    }

    fn remove(&mut self, id: Uuid) {
        let Some(upload) = self.uploads.remove(&id) else {
            return;
        };
        if let Some(ids) = self.by_ip.get_mut(&upload.ip) {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_ip.remove(&upload.ip);
            }
        }
    }
}

impl UploadQuota {
    pub fn new(max_uploads: usize, max_bytes: u64) -> UploadQuota {
        UploadQuota { max_uploads, max_bytes, held: Arc::default() }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts part `n` (`len` bytes) of upload `id`, sent from `ip`, unless the upload's
    /// address would then hold more than it may. An upload counts for the address that
    /// sent its first part.
    pub fn admit(&self, ip: IpAddr, id: Uuid, n: u32, len: u64) -> Result<(), QuotaExceeded> {
        let mut held = self.held();
        let owner = held.uploads.get(&id).map_or(ip, |upload| upload.ip);
        let is_new = !held.uploads.contains_key(&id);
        if is_new && held.by_ip.get(&owner).map_or(0, HashSet::len) >= self.max_uploads {
            return Err(QuotaExceeded::Uploads(self.max_uploads));
        }
        let replaced = held.uploads.get(&id).and_then(|u| u.parts.get(&n)).copied().unwrap_or(0);
        if held.bytes_of(owner) - replaced + len > self.max_bytes {
            return Err(QuotaExceeded::Bytes(self.max_bytes / (1024 * 1024)));
        }
        held.by_ip.entry(owner).or_default().insert(id);
        let upload = held.uploads.entry(id).or_insert_with(|| Upload {
            ip: owner,
            parts: HashMap::new(),
            last: Instant::now(),
        });
        upload.parts.insert(n, len);
        upload.last = Instant::now();
        Ok(())
    }

    /// The unfinished uploads `ip` holds here.
    pub fn held_by(&self, ip: IpAddr) -> Vec<Uuid> {
        self.held().by_ip.get(&ip).map(|ids| ids.iter().copied().collect()).unwrap_or_default()
    }

    /// The upload is finished or gone: it no longer counts.
    pub fn release(&self, id: Uuid) {
        self.held().remove(id);
    }

    /// Forgets uploads no part came to for `idle` (their parts expire in the store).
    pub fn forget_idle(&self, idle: Duration) {
        let mut held = self.held();
        let idle: Vec<Uuid> = held
            .uploads
            .iter()
            .filter(|(_, upload)| upload.last.elapsed() >= idle)
            .map(|(id, _)| *id)
            .collect();
        for id in idle {
            held.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_holds_so_many_uploads_and_bytes_and_regains_them_as_uploads_finish() {
        let quota = UploadQuota::new(2, 3 * 1024 * 1024);
        let (ip, other_ip) = (IpAddr::from([203, 0, 113, 1]), IpAddr::from([203, 0, 113, 2]));
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mib = 1024 * 1024;
        quota.admit(ip, a, 0, mib).unwrap();
        quota.admit(ip, a, 0, mib).unwrap();
        quota.admit(ip, b, 0, mib).unwrap();
        assert_eq!(quota.admit(ip, c, 0, 1), Err(QuotaExceeded::Uploads(2)));
        assert_eq!(quota.admit(ip, b, 1, 2 * mib), Err(QuotaExceeded::Bytes(3)));
        quota.admit(other_ip, c, 0, mib).unwrap();
        // A part of an upload counts for the address that began it.
        assert_eq!(quota.admit(other_ip, b, 1, 2 * mib), Err(QuotaExceeded::Bytes(3)));
        quota.release(a);
        quota.admit(ip, b, 1, 2 * mib).unwrap();
        quota.forget_idle(Duration::ZERO);
        quota.admit(ip, a, 0, 3 * mib).unwrap();
    }
}
