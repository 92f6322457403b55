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
//! Checkpoints (copying the WAL back into the database file, with an fsync of that file)
//! run on a thread of their own, so that a commit never waits for one: with SQLite's
//! automatic checkpoints, the commit that crosses the threshold would do it, and every
//! request of its group would wait the extra milliseconds.
//!
//! Architecture invariant: submissions are stored only here, one group at a time, on the
//! one writer connection, so tracking numbers are handed out in commit order with no
//! gaps, and a resend is always checked against everything committed before it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc as std_mpsc};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::submissions::{NewSubmission, Stored, store_group};
use super::{Conn, DbError, Location};
use crate::metrics::Metrics;

/// The most submissions one transaction takes (a batch request is never split, so a
/// group may exceed it by one batch). Bounds how long one commit holds the write lock.
pub const MAX_GROUP: usize = 512;

/// Requests waiting for the writer. When it is full, handlers wait for room: that is the
/// back-pressure that keeps memory bounded when the disk is slower than the network.
const QUEUE: usize = 4096;

/// How often the checkpointer copies the WAL into the database: often enough that the
/// part copied while the writer waits (what was committed during the last unlocked
/// pass) stays small.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The WAL is restarted (see [`checkpoint_round`]) once it holds this many frames:
/// 32 MB of 4 KiB pages, about a second of writing at full speed.
const RESTART_AT_FRAMES: i64 = 8192;

/// What one request asked the writer to store, and where to send the outcome.
struct Job {
    submissions: Vec<NewSubmission>,
    reply: oneshot::Sender<Result<Vec<Result<Stored, DbError>>, DbError>>,
    queued: Instant,
}

/// What the writer's queue carries.
enum Message {
    Store(Job),
    /// Store what is queued, refuse the rest, stop, and then say so (see
    /// [`Writer::drain`]).
    Drain(oneshot::Sender<()>),
}

/// A handle to the writer thread; cheap to clone. The thread stops when the last handle
/// is dropped, after storing what is already queued.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Message>,
}

impl Writer {
    /// Starts the writer thread on the shared writer connection, and the checkpointer
    /// on a connection of its own to the database at `path`. Both stop when the last
    /// handle is dropped.
    /// (PostgreSQL has no checkpointer of ours: `path` is `None`.)
    pub fn start(
        conn: Arc<Mutex<Conn>>,
        location: Location,
        path: Option<PathBuf>,
        metrics: Metrics,
    ) -> Result<Writer, DbError> {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let (alive, stopped) = std_mpsc::channel::<()>();
        let checkpointer = match path {
            Some(path) => {
                let checkpoints = Connection::open(&path)?;
                checkpoints.busy_timeout(Duration::from_secs(5))?;
                // The WAL is synced before it is copied, and the database file after.
                checkpoints.pragma_update(None, "synchronous", "FULL")?;
                // From here on the checkpointer checkpoints, not the commits. (Tools that
                // open the database without a writer, such as `directory import`, keep
                // SQLite's automatic checkpoints.)
                if let Some(sqlite) = super::lock(&conn).as_sqlite() {
                    sqlite.pragma_update(None, "wal_autocheckpoint", 0)?;
                }
                let writer = Arc::clone(&conn);
                Some(
                    std::thread::Builder::new()
                        .name("adal-checkpoint".into())
                        .spawn(move || checkpoint(&checkpoints, &writer, &stopped))?,
                )
            }
            None => None,
        };
        std::thread::Builder::new().name("adal-writer".into()).spawn(move || {
            let drained = run(&conn, &location, jobs, &metrics);
            // Back to automatic checkpoints for whoever uses the connection next.
            if let Some(sqlite) = super::lock(&conn).as_sqlite() {
                let _ = sqlite.pragma_update(None, "wal_autocheckpoint", 1000);
            }
            drop(alive);
            // A last round may be copying the WAL: let it finish before saying we stopped.
            if let Some(checkpointer) = checkpointer {
                let _ = checkpointer.join();
            }
            if !drained.is_empty() {
                tracing::info!("writer stopped: every queued submission is committed");
            }
            for reply in drained {
                let _ = reply.send(());
            }
        })?;
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
        let job = Job { submissions: batch, reply, queued: Instant::now() };
        self.queue.send(Message::Store(job)).await.map_err(|_| DbError::WriterGone)?;
        outcome.await.map_err(|_| DbError::WriterGone)?
    }

    /// Stops the writer for a shutdown: what is queued already is stored and committed
    /// (and its requests answered), anything sent later is refused, and this returns
    /// once the writer thread and its checkpointer are done with the database.
    pub async fn drain(&self) {
        let (drained, done) = oneshot::channel();
        if self.queue.send(Message::Drain(drained)).await.is_ok() {
            // An error means the thread is gone already, which is what was asked.
            let _ = done.await;
        }
    }
}

/// A checkpoint round every [`CHECKPOINT_EVERY`] until the writer stops.
fn checkpoint(checkpoints: &Connection, writer: &Mutex<Conn>, stopped: &std_mpsc::Receiver<()>) {
    let mut frames = 0;
    while let Err(std_mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
        match checkpoint_round(checkpoints, writer, frames, RESTART_AT_FRAMES) {
            Ok(now) => frames = now,
            Err(error) => tracing::warn!(%error, "checkpoint failed"),
        }
    }
}

/// Copies the WAL into the database file without holding up the writer. Once the WAL
/// holds `restart_at` frames or more, it then also holds the writer connection for the
/// moment it takes to copy the frames committed meanwhile: the WAL is then wholly copied
/// with no transaction open, so the next transaction starts it over from the beginning.
/// (A busy writer always leaves frames uncopied at the end of an unlocked pass; without
/// the locked one the WAL would grow without end.) `before` is what the previous round
/// returned; an unchanged WAL is left alone. Returns the WAL's frames.
pub(crate) fn checkpoint_round(
    checkpoints: &Connection,
    writer: &Mutex<Conn>,
    before: i64,
    restart_at: i64,
) -> Result<i64, DbError> {
    let passive = || {
        checkpoints.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            Ok((row.get::<_, i64>(1)?, row.get::<_, i64>(2)?))
        })
    };
    let (frames, copied) = passive()?;
    if frames == before || frames < restart_at {
        return Ok(frames);
    }
    // The locked pass waits for two fsyncs, and so does the group behind it: rarely.
    let _no_commit_meanwhile = super::lock(writer);
    let (frames, copied_now) = passive()?;
    tracing::debug!(frames, copied, copied_now, "checkpoint: the WAL restarts");
    Ok(frames)
}

/// Stores groups until every handle is dropped or a drain is asked for; returns whom to
/// tell that the drain is over.
fn run(
    conn: &Mutex<Conn>,
    location: &Location,
    mut queue: mpsc::Receiver<Message>,
    metrics: &Metrics,
) -> Vec<oneshot::Sender<()>> {
    let mut drained = Vec::new();
    // A drain closes the queue: what is queued already is still received, nothing more
    // can be sent, and the loop ends once the queue is empty.
    let mut take = |message: Message, queue: &mut mpsc::Receiver<Message>| match message {
        Message::Store(job) => Some(job),
        Message::Drain(reply) => {
            drained.push(reply);
            queue.close();
            None
        }
    };
    while let Some(message) = queue.blocking_recv() {
        let Some(first) = take(message, &mut queue) else { continue };
        let mut size = first.submissions.len();
        let mut group = vec![first];
        while size < MAX_GROUP {
            let Ok(message) = queue.try_recv() else { break };
            let Some(job) = take(message, &mut queue) else { continue };
            size += job.submissions.len();
            group.push(job);
        }
        let started = Instant::now();
        let items: Vec<&NewSubmission> =
            group.iter().flat_map(|job| job.submissions.iter()).collect();
        let outcome = {
            let mut conn = super::lock(conn);
            super::reconnect_if_closed(&mut conn, location)
                .and_then(|()| store_group(&conn, &items))
        };
        let took = started.elapsed();
        metrics.group_committed(size, took);
        let duration_us = took.as_micros() as u64;
        tracing::debug!(jobs = group.len(), submissions = size, duration_us, "group committed");
        match outcome {
            Ok(results) => {
                for (item, result) in items.iter().zip(&results) {
                    if let Ok(Stored::Created(_)) = result {
                        metrics.submission_accepted(item.district, &item.form.id);
                    }
                }
                let mut results = results.into_iter();
                for job in group {
                    let mine = results.by_ref().take(job.submissions.len()).collect();
                    metrics.waited(job.queued);
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
    drained
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;
    use crate::db::{Db, FILE_NAME};

    fn new(district: adal_core::District) -> NewSubmission {
        NewSubmission {
            id: Uuid::new_v4(),
            fingerprint: "f".into(),
            form: adal_core::api::FormRef::new("complaint", 2),
            district,
            answers: "{}".into(),
            received_at: OffsetDateTime::now_utc(),
            attachments: Vec::new(),
            receipt_secret_sha256: None,
            anonymous: false,
            triage: Default::default(),
        }
    }

    fn wal_frames(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1)).unwrap()
    }

    #[test]
    fn a_checkpoint_round_lets_the_next_commit_start_the_wal_over() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        let writer = super::super::lock(&db.conn);
        writer.as_sqlite().unwrap().pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        drop(writer);
        let checkpoints = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        let store = |count: usize| {
            for _ in 0..count {
                let item = new(adal_core::District::Uralsk);
                store_group(&super::super::lock(&db.conn), &[&item]).unwrap();
            }
        };
        store(200);
        let before = wal_frames(&checkpoints);
        assert!(before > 200, "{before}");

        checkpoint_round(&checkpoints, &db.conn, 0, 1).unwrap();
        store(1);

        let after = wal_frames(&checkpoints);
        assert!(after < 20, "the WAL started over: {after} frames");
    }
}
