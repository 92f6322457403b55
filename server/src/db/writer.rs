//! Group commit: one writer thread stores every submission, many to a transaction.
//!
//! A receipt promises that the submission is on disk, so every commit waits for an fsync
//! (`synchronous = FULL`), and the disk, not the CPU, bounds how many commits a second
//! there can be. The writer therefore commits *groups*: while one group's fsync runs,
//! the submissions that arrive wait in the queue, and the next transaction takes all of
//! them (up to [`MAX_GROUP`]). Nobody waits for a timer: a lone submission is committed
//! at once, in a group of one, and under load a group is whatever arrived during the
//! previous commit. Each request is answered only after the commit of its group.
//!
//! Architecture invariant: submissions are stored only here, one group at a time, on the
//! one writer connection, so tracking numbers are handed out in commit order with no
//! gaps, and a resend is always checked against everything committed before it.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::DbError;
use super::submissions::{NewSubmission, Stored, store_group};

/// The most submissions one transaction takes (a batch request is never split, so a
/// group may exceed it by one batch). Bounds how long one commit holds the write lock.
pub const MAX_GROUP: usize = 512;

/// Requests waiting for the writer. When it is full, handlers wait for room: that is the
/// back-pressure that keeps memory bounded when the disk is slower than the network.
const QUEUE: usize = 4096;

/// What one request asked the writer to store, and where to send the outcome.
struct Job {
    submissions: Vec<NewSubmission>,
    reply: oneshot::Sender<Result<Vec<Result<Stored, DbError>>, DbError>>,
}

/// A handle to the writer thread; cheap to clone. The thread stops when the last handle
/// is dropped, after storing what is already queued.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread on the shared writer connection.
    pub fn start(conn: Arc<Mutex<Connection>>) -> std::io::Result<Writer> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        std::thread::Builder::new().name("adal-writer".into()).spawn(move || run(&conn, jobs))?;
        Ok(Writer { queue })
    }

    /// Stores `new` and answers once the transaction holding it has committed.
    pub async fn store(&self, new: NewSubmission) -> Result<Stored, DbError> {
        let mut results = self.store_all(vec![new]).await?;
        results.pop().ok_or(DbError::WriterGone)?
    }

    /// Stores every submission of `batch` in one transaction, in order, and answers with
    /// one result for each once it has committed.
    pub async fn store_all(
        &self,
        batch: Vec<NewSubmission>,
    ) -> Result<Vec<Result<Stored, DbError>>, DbError> {
        let (reply, outcome) = oneshot::channel();
        self.queue
            .send(Job { submissions: batch, reply })
            .await
            .map_err(|_| DbError::WriterGone)?;
        outcome.await.map_err(|_| DbError::WriterGone)?
    }
}

fn run(conn: &Mutex<Connection>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut size = first.submissions.len();
        let mut group = vec![first];
        while size < MAX_GROUP {
            let Ok(job) = jobs.try_recv() else { break };
            size += job.submissions.len();
            group.push(job);
        }
        let started = std::time::Instant::now();
        let items: Vec<&NewSubmission> =
            group.iter().flat_map(|job| job.submissions.iter()).collect();
        let outcome = store_group(&mut super::lock(conn), &items);
        let duration_us = started.elapsed().as_micros() as u64;
        tracing::debug!(jobs = group.len(), submissions = size, duration_us, "group committed");
        match outcome {
            Ok(results) => {
                let mut results = results.into_iter();
                for job in group {
                    let mine = results.by_ref().take(job.submissions.len()).collect();
                    // The requester may have gone (client disconnected): nothing to tell.
                    let _ = job.reply.send(Ok(mine));
                }
            }
            Err(error) => {
                tracing::error!(%error, submissions = size, "group commit failed");
                let message = error.to_string();
                for job in group {
                    let _ = job.reply.send(Err(DbError::GroupFailed(message.clone())));
                }
            }
        }
    }
}
