//! An outbox in memory: the reference [`Outbox`], used by the engine's tests and by the
//! native chaos test's simulated devices. Single-threaded (a `RefCell`): every method
//! borrows once and never across an await, which is what makes each step atomic.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;

use uuid::Uuid;

use super::engine::{Item, Millis, Outbox};
use crate::api::{Problem, Receipt};

/// A queued item given back to the person, with the server's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedDraft {
    /// The id the draft will be sent under once fixed (new after a conflict).
    pub draft_id: Uuid,
    pub item: Item,
    pub problem: Problem,
}

/// Queued items, their sending leases, receipts and returned drafts.
#[derive(Debug, Default)]
pub struct MemoryOutbox {
    state: RefCell<State>,
}

#[derive(Debug, Default)]
struct State {
    queued: BTreeMap<Uuid, Item>,
    leases: HashMap<Uuid, Millis>,
    /// Every delivery filed, in order. One per item unless the lease rule was broken.
    sent: Vec<(Item, Receipt)>,
    drafts: Vec<ReturnedDraft>,
}

impl MemoryOutbox {
    pub fn new() -> MemoryOutbox {
        MemoryOutbox::default()
    }

    /// What "Send" does: the item joins the queue.
    pub fn queue(&self, item: Item) {
        self.state.borrow_mut().queued.insert(item.id(), item);
    }

    /// Items still waiting, by id.
    pub fn queued(&self) -> Vec<Item> {
        self.state.borrow().queued.values().cloned().collect()
    }

    /// Every delivery filed, in order, with its receipt.
    pub fn sent(&self) -> Vec<(Item, Receipt)> {
        self.state.borrow().sent.clone()
    }

    /// Items the server refused, in order.
    pub fn drafts(&self) -> Vec<ReturnedDraft> {
        self.state.borrow().drafts.clone()
    }

    /// Until when item `id` is leased, if a lease (live or expired) is recorded.
    pub fn lease_of(&self, id: Uuid) -> Option<Millis> {
        self.state.borrow().leases.get(&id).copied()
    }
}

impl Outbox for MemoryOutbox {
    type Error = Infallible;

    async fn pending(&self) -> Result<Vec<Item>, Infallible> {
        Ok(self.queued())
    }

    async fn lease(
        &self,
        id: Uuid,
        now: Millis,
        until: Millis,
    ) -> Result<Option<Item>, Infallible> {
        let mut state = self.state.borrow_mut();
        let Some(item) = state.queued.get(&id).cloned() else { return Ok(None) };
        if state.leases.get(&id).is_some_and(|&held_until| held_until > now) {
            return Ok(None);
        }
        state.leases.insert(id, until);
        Ok(Some(item))
    }

    async fn renew(&self, id: Uuid, held: Millis, until: Millis) -> Result<bool, Infallible> {
        let mut state = self.state.borrow_mut();
        let ours = state.queued.contains_key(&id) && state.leases.get(&id) == Some(&held);
        if ours {
            state.leases.insert(id, until);
        }
        Ok(ours)
    }

    async fn deliver(&self, item: &Item, receipt: &Receipt) -> Result<(), Infallible> {
        let mut state = self.state.borrow_mut();
        state.queued.remove(&item.id());
        state.leases.remove(&item.id());
        state.sent.push((item.clone(), receipt.clone()));
        Ok(())
    }

    async fn return_to_drafts(
        &self,
        item: &Item,
        draft_id: Uuid,
        problem: &Problem,
    ) -> Result<(), Infallible> {
        let mut state = self.state.borrow_mut();
        state.queued.remove(&item.id());
        state.leases.remove(&item.id());
        state.drafts.push(ReturnedDraft { draft_id, item: item.clone(), problem: problem.clone() });
        Ok(())
    }

    async fn reschedule(
        &self,
        id: Uuid,
        attempts: u32,
        next_attempt_at: Millis,
    ) -> Result<(), Infallible> {
        let mut state = self.state.borrow_mut();
        state.leases.remove(&id);
        if let Some(item) = state.queued.get_mut(&id) {
            item.attempts = attempts;
            item.next_attempt_at = next_attempt_at;
        }
        Ok(())
    }
}
