//! The load generator: HTTP/1.1 keep-alive connections on hyper, closed loop (each
//! connection sends its next request when the previous answer is in) or open loop (a
//! fixed rate whatever the answers, latency counted from when each request was due, so
//! a stall is not hidden by the generator waiting for it).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{Mutex, mpsc};

/// Makes the `n`-th request of a run.
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Full<Bytes>> + Send + Sync>;

/// What a run measured.
#[derive(Debug, Default)]
pub struct Run {
    /// Microseconds, one per answered request with the expected status.
    pub latencies_us: Vec<u64>,
    /// Answers with another status, and transport errors.
    pub failures: u64,
    /// The first unexpected status, to say what went wrong.
    pub first_failure: Option<String>,
    pub elapsed: Duration,
    /// Bytes of answer bodies.
    pub bytes: u64,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.latencies_us.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn merge(&mut self, other: Run) {
        self.latencies_us.extend(other.latencies_us);
        self.failures += other.failures;
        self.bytes += other.bytes;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request; `Ok` with the body size when the status is the expected one.
async fn exchange(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
    expect: StatusCode,
) -> Result<u64, String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    if status != expect {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)])));
    }
    Ok(body.len() as u64)
}

/// `connections` connections, each sending requests back to back for `duration`.
pub async fn closed_loop(
    addr: SocketAddr,
    connections: usize,
    duration: Duration,
    make: MakeRequest,
    expect: StatusCode,
) -> anyhow::Result<Run> {
    closed_loop_over(&[addr], connections, duration, make, expect).await
}

/// [`closed_loop`] with the connections spread over several servers in turn.
pub async fn closed_loop_over(
    addrs: &[SocketAddr],
    connections: usize,
    duration: Duration,
    make: MakeRequest,
    expect: StatusCode,
) -> anyhow::Result<Run> {
    let mut senders = Vec::with_capacity(connections);
    for c in 0..connections {
        senders.push(connect(addrs[c % addrs.len()]).await?);
    }
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for (c, mut sender) in senders.into_iter().enumerate() {
        let make = Arc::clone(&make);
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            let mut n = c as u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                match exchange(&mut sender, make(n), expect).await {
                    Ok(bytes) => {
                        run.latencies_us.push(sent.elapsed().as_micros() as u64);
                        run.bytes += bytes;
                    }
                    Err(failure) => {
                        run.failures += 1;
                        run.first_failure.get_or_insert(failure);
                        if run.failures > 100 {
                            break;
                        }
                    }
                }
                n += connections as u64;
            }
            run
        }));
    }
    let mut total = Run::default();
    for task in tasks {
        total.merge(task.await?);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}

/// `rate` requests a second for `duration`, spread over up to `connections` connections
/// (a request waits for a free one; that wait counts in its latency).
pub async fn open_loop(
    addr: SocketAddr,
    connections: usize,
    rate: f64,
    duration: Duration,
    make: MakeRequest,
    expect: StatusCode,
) -> anyhow::Result<Run> {
    let total = (rate * duration.as_secs_f64()) as u64;
    let (due, tickets) = mpsc::unbounded_channel::<(u64, Instant)>();
    let tickets = Arc::new(Mutex::new(tickets));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let mut sender = connect(addr).await?;
        let tickets = Arc::clone(&tickets);
        let make = Arc::clone(&make);
        tasks.push(tokio::spawn(async move {
            let mut run = Run::default();
            loop {
                let ticket = tickets.lock().await.recv().await;
                let Some((n, due)) = ticket else { break };
                match exchange(&mut sender, make(n), expect).await {
                    Ok(bytes) => {
                        run.latencies_us.push(due.elapsed().as_micros() as u64);
                        run.bytes += bytes;
                    }
                    Err(failure) => {
                        run.failures += 1;
                        run.first_failure.get_or_insert(failure);
                    }
                }
            }
            run
        }));
    }
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut n = 0;
    while n < total {
        // The timer wakes about once a millisecond: release every request that is due.
        let now = Instant::now();
        while n < total && started + interval * n as u32 <= now {
            let _ = due.send((n, started + interval * n as u32));
            n += 1;
        }
        tokio::time::sleep_until((started + interval * n as u32).into()).await;
    }
    drop(due);
    let mut run = Run::default();
    for task in tasks {
        run.merge(task.await?);
    }
    run.elapsed = started.elapsed();
    Ok(run)
}

/// Sends `count` requests one after the other on one connection: for latency of reads.
pub async fn sequential(
    addr: SocketAddr,
    count: u64,
    make: MakeRequest,
    expect: StatusCode,
) -> anyhow::Result<Run> {
    let mut sender = connect(addr).await?;
    let mut run = Run::default();
    let started = Instant::now();
    for n in 0..count {
        let sent = Instant::now();
        match exchange(&mut sender, make(n), expect).await {
            Ok(bytes) => {
                run.latencies_us.push(sent.elapsed().as_micros() as u64);
                run.bytes += bytes;
            }
            Err(failure) => {
                run.failures += 1;
                run.first_failure.get_or_insert(failure);
            }
        }
    }
    run.elapsed = started.elapsed();
    Ok(run)
}

/// The `p`-th percentile (0–100) of `values`, in the values' unit; sorts them.
pub fn percentile(values: &mut [u64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_unstable();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1] as f64
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut values: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut values, 50.0), 50.0);
        assert_eq!(percentile(&mut values, 99.0), 99.0);
        assert_eq!(percentile(&mut values, 100.0), 100.0);
        assert_eq!(percentile(&mut [7], 99.0), 7.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
