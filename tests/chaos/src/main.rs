//! Adal's chaos test: "nothing typed is lost, and nothing arrives twice", checked against
//! the real server binary while it is killed with SIGKILL and restarted, behind a proxy
//! that answers 500s, drops, delays, truncates and resets, with the network going down
//! for whole periods. Simulated devices send with core's sync engine, the code the app
//! runs. Afterwards the server's own `export` is compared with what the devices hold.
//!
//! Loopback only; every loop is bounded by the deadline. Run it with `scripts/chaos`.
//!
//! Not covered yet: attachments (photos). When the API has them, a device's items carry
//! photos, the engine uploads their parts before the post, the proxy needs no change (it
//! faults every request alike), and the check adds "every attachment verifies".

mod answers;
mod device;
mod proxy;
mod server;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use adal_core::sync::Backoff;
use adal_core::sync::engine::Policy;
use adal_core::{District, TrackingNumber};
use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::watch;
use tokio::task::LocalSet;
use tokio::time::Instant;
use uuid::Uuid;

use crate::proxy::{Fault, Faults, Proxy};
use crate::server::Server;

/// Ports for the server and the proxy, below Linux's ephemeral range (32768–60999).
/// Both ports are closed for a while during the run (a killed server, a network outage)
/// and must be bound again: a port from the ephemeral range could meanwhile become the
/// source port of some outgoing connection, or even connect to itself when something
/// dials it while it is closed (TCP simultaneous open), and the bind would fail.
const QUIET_PORTS: std::ops::Range<u16> = 20_000..32_000;

#[derive(Parser, Debug, Clone)]
#[command(about = "Chaos test: devices, a faulty network and a server killed at random")]
struct Args {
    /// The adal-server binary to run.
    #[arg(long, value_name = "PATH")]
    server_bin: PathBuf,
    /// Simulated devices, sending concurrently.
    #[arg(long, default_value_t = 20)]
    devices: usize,
    /// Complaints each device sends.
    #[arg(long, default_value_t = 100)]
    per_device: usize,
    /// Seed of every random choice (a new one each run if not given).
    #[arg(long)]
    seed: Option<u64>,
    /// The devices stop trying after this long; what is unsent then is a failure.
    #[arg(long, default_value_t = 300)]
    deadline_secs: u64,
    /// How many times the server is killed (fewer if the devices finish first).
    #[arg(long, default_value_t = 8)]
    kills: u32,
    /// Mean time between kills, in milliseconds.
    #[arg(long, default_value_t = 3_000)]
    kill_gap_ms: u64,
    /// How many times the network goes down (fewer if the devices finish first).
    #[arg(long, default_value_t = 5)]
    outages: u32,
    /// Probability that a request meets a fault.
    #[arg(long, default_value_t = 0.35)]
    fault_rate: f64,
    /// The devices' HTTP timeout, in milliseconds.
    #[arg(long, default_value_t = 1_500)]
    client_timeout_ms: u64,
    /// Keep the temporary data directory (its path is printed).
    #[arg(long)]
    keep_data: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("chaos: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// What the disruptors did.
#[derive(Debug, Default, Clone, Copy)]
struct Disruption {
    kills: u32,
    outages: u32,
    outage_ms: u64,
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(|| rand::rng().random());
    println!(
        "chaos: {} devices x {} complaints, seed {seed}, deadline {} s",
        args.devices, args.per_device, args.deadline_secs
    );
    let dir = tempfile::Builder::new().prefix("adal-chaos-").tempdir()?;
    let data = dir.path().join("data");
    let log = dir.path().join("server.log");
    let mut ports = StdRng::seed_from_u64(seed ^ 0x706f_7274);
    let mut quiet_ports =
        move || -> Vec<u16> { (0..50).map(|_| ports.random_range(QUIET_PORTS)).collect() };
    let server = Server::start(&args.server_bin, &data, &log, quiet_ports()).await?;
    let client_timeout = Duration::from_millis(args.client_timeout_ms);
    let faults =
        Faults { rate: args.fault_rate, delay: client_timeout + Duration::from_millis(500), seed };
    let proxy = Proxy::start(server.addr(), faults, quiet_ports()).await?;
    println!("chaos: server on {}, proxy on {}", server.addr(), proxy.addr());

    let deadline = started + Duration::from_secs(args.deadline_secs);
    let (finished_tx, finished) = watch::channel(false);
    let killer = tokio::spawn(kill_now_and_then(server, args.clone(), seed, finished.clone()));
    let outages = tokio::spawn(cut_the_network(proxy.clone(), args.clone(), seed, finished));

    let settings = device::Settings {
        per_device: args.per_device,
        client_timeout,
        // The app's rules on a compressed time scale: the back-off's shape is the same,
        // its seconds are tenths, so that a run takes minutes, not hours.
        policy: Policy {
            backoff: Backoff { base_ms: 200, cap_ms: 5_000 },
            lease_ms: 2 * args.client_timeout_ms + 1_000,
        },
        crash_rate: 0.03,
        deadline,
    };
    let url = format!("http://{}/api/v1/submissions", proxy.addr());
    let local = LocalSet::new();
    let outcomes = local
        .run_until(async {
            let tasks: Vec<_> = (0..args.devices)
                .map(|i| {
                    let network = proxy.watch();
                    tokio::task::spawn_local(device::run(i, seed, settings, url.clone(), network))
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await??);
            }
            anyhow::Ok(outcomes)
        })
        .await?;
    let sending_time = started.elapsed();
    finished_tx.send_replace(true);
    let (mut server, kills) = killer.await??;
    let disruption = Disruption { kills, ..outages.await? };
    // The last stop is a kill as well: what the server promised must already be on disk.
    server.kill().await?;
    proxy.set_up(false);

    let rows = server::export(&args.server_bin, &data).await?;
    let check = Check::new(&outcomes, &rows);
    print_figures(&check, &outcomes, &proxy, disruption, sending_time, started.elapsed());
    let passed = check.passed();
    if !passed {
        println!("\nFAILED: {}", check.failures().join("; "));
        if let Ok(text) = std::fs::read_to_string(&log) {
            let tail: Vec<_> = text.lines().rev().take(20).collect();
            println!("server log (last lines):");
            tail.iter().rev().for_each(|line| println!("  {line}"));
        }
    } else {
        println!(
            "\nPASSED: every complaint is on the server exactly once, with the device's receipt"
        );
    }
    if args.keep_data {
        println!("data kept in {}", dir.keep().display());
    }
    Ok(passed)
}

/// Kills the server with SIGKILL at random moments and starts it again after a short
/// while, until `kills` is reached or the devices are done. Hands the server back.
async fn kill_now_and_then(
    mut server: Server,
    args: Args,
    seed: u64,
    mut finished: watch::Receiver<bool>,
) -> anyhow::Result<(Server, u32)> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let mut kills = 0;
    while kills < args.kills {
        let gap = rng.random_range(args.kill_gap_ms / 2..=args.kill_gap_ms * 3 / 2);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(gap)) => {}
            _ = finished.wait_for(|done| *done) => break,
        }
        server.kill().await?;
        kills += 1;
        // Down for a moment: what arrives meanwhile finds no server (the proxy says 502).
        tokio::time::sleep(Duration::from_millis(rng.random_range(50..800))).await;
        server.restart().await?;
    }
    Ok((server, kills))
}

/// Takes the network down for 0.5–2.5 s at random moments, `outages` times at most.
async fn cut_the_network(
    proxy: Proxy,
    args: Args,
    seed: u64,
    mut finished: watch::Receiver<bool>,
) -> Disruption {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6e65_7477);
    let mut done = Disruption::default();
    while done.outages < args.outages {
        let gap = rng.random_range(1_000..6_000);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(gap)) => {}
            _ = finished.wait_for(|done| *done) => break,
        }
        let length = rng.random_range(500..2_500);
        proxy.set_up(false);
        tokio::time::sleep(Duration::from_millis(length)).await;
        proxy.set_up(true);
        done.outages += 1;
        done.outage_ms += length;
    }
    done
}

/// The invariants, counted.
#[derive(Debug, Default)]
struct Check {
    submitted: usize,
    delivered: usize,
    rows: usize,
    /// Extra rows for one id, plus rows for ids no device made.
    duplicates: usize,
    lost: usize,
    unsent: usize,
    refused: usize,
    /// Device receipts that disagree with the server (or name another district).
    receipt_mismatches: usize,
    /// Deliveries filed twice for one item on a device.
    filed_twice: usize,
    overlapping_sends: u64,
    duplicate_tracking: usize,
    /// (district, year) sequences that are not exactly 1..=n.
    broken_sequences: Vec<String>,
}

impl Check {
    fn new(outcomes: &[device::Outcome], rows: &[server::Row]) -> Check {
        let mut check = Check { rows: rows.len(), ..Check::default() };
        let mut on_server: HashMap<Uuid, Vec<&str>> = HashMap::new();
        for row in rows {
            on_server.entry(row.id).or_default().push(&row.tracking);
        }
        let mut made: HashMap<Uuid, &str> = HashMap::new();
        for outcome in outcomes {
            check.submitted += outcome.submitted.len();
            check.unsent += outcome.unsent;
            check.refused += outcome.drafts.len();
            check.overlapping_sends += outcome.stats.overlapping_sends;
            for request in &outcome.submitted {
                made.insert(request.id, district_of(request));
                match on_server.get(&request.id).map(Vec::len) {
                    None => check.lost += 1,
                    Some(n) => check.duplicates += n - 1,
                }
            }
            let mut filed: HashMap<Uuid, usize> = HashMap::new();
            for (item, receipt) in &outcome.sent {
                *filed.entry(item.id()).or_default() += 1;
                let on_server = on_server.get(&item.id()).and_then(|t| t.first().copied());
                let district_matches =
                    receipt.tracking.starts_with(&format!("{}-", district_of(&item.request)));
                if on_server != Some(receipt.tracking.as_str()) || !district_matches {
                    check.receipt_mismatches += 1;
                }
            }
            check.delivered += filed.len();
            check.filed_twice += filed.values().filter(|&&n| n > 1).count();
        }
        check.duplicates += on_server.keys().filter(|id| !made.contains_key(id)).count();

        let mut sequences: BTreeMap<(District, i32), Vec<u32>> = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            if !seen.insert(row.tracking.as_str()) {
                check.duplicate_tracking += 1;
            }
            match TrackingNumber::from_str(&row.tracking) {
                Ok(t) => sequences.entry((t.district, t.year)).or_default().push(t.sequence),
                Err(_) => check.broken_sequences.push(format!("unparsable {}", row.tracking)),
            }
        }
        for ((district, year), mut numbers) in sequences {
            numbers.sort_unstable();
            if numbers.iter().enumerate().any(|(i, &n)| n as usize != i + 1) {
                check.broken_sequences.push(format!("{}-{year}", district.code()));
            }
        }
        check
    }

    fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let mut fail = |bad: bool, what: String| {
            if bad {
                failures.push(what);
            }
        };
        fail(self.lost > 0, format!("{} lost", self.lost));
        fail(self.duplicates > 0, format!("{} duplicated", self.duplicates));
        fail(self.unsent > 0, format!("{} left unsent", self.unsent));
        fail(self.refused > 0, format!("{} refused", self.refused));
        let of = self.submitted;
        fail(self.delivered != of, format!("{} of {of} delivered", self.delivered));
        fail(self.rows != of, format!("{} rows on the server for {of} made", self.rows));
        fail(
            self.receipt_mismatches > 0,
            format!("{} receipt mismatches", self.receipt_mismatches),
        );
        fail(self.filed_twice > 0, format!("{} filed twice", self.filed_twice));
        fail(self.overlapping_sends > 0, format!("{} overlapping sends", self.overlapping_sends));
        fail(
            self.duplicate_tracking > 0,
            format!("{} duplicate tracking", self.duplicate_tracking),
        );
        fail(
            !self.broken_sequences.is_empty(),
            format!("sequences with gaps: {}", self.broken_sequences.join(", ")),
        );
        failures
    }

    fn passed(&self) -> bool {
        self.failures().is_empty()
    }
}

fn print_figures(
    check: &Check,
    outcomes: &[device::Outcome],
    proxy: &Proxy,
    disruption: Disruption,
    sending_time: Duration,
    wall_time: Duration,
) {
    let counters = proxy.counters();
    let mut stats = device::Stats::default();
    for o in outcomes {
        stats.attempts += o.stats.attempts;
        stats.cut_bodies += o.stats.cut_bodies;
        stats.unreachable += o.stats.unreachable;
        stats.timed_out += o.stats.timed_out;
        stats.broken += o.stats.broken;
        stats.drains += o.stats.drains;
        stats.crashed_drains += o.stats.crashed_drains;
        for (status, n) in &o.stats.by_status {
            *stats.by_status.entry(*status).or_default() += n;
        }
    }
    let row = |label: &str, value: String| println!("  {label:<44} {value:>10}");
    println!("\n  {:<44} {:>10}", "figure", "value");
    println!("  {}", "-".repeat(55));
    row("submitted", check.submitted.to_string());
    row("delivered (receipt held on the device)", check.delivered.to_string());
    row("rows on the server", check.rows.to_string());
    row("duplicates", check.duplicates.to_string());
    row("lost", check.lost.to_string());
    row("left unsent on devices", check.unsent.to_string());
    row("refused (returned to drafts)", check.refused.to_string());
    row("receipts differing from the server", check.receipt_mismatches.to_string());
    row("duplicate tracking numbers", check.duplicate_tracking.to_string());
    row("district sequences with gaps", check.broken_sequences.len().to_string());
    row("one item on the wire twice at once", check.overlapping_sends.to_string());
    println!("  {}", "-".repeat(55));
    let total: u64 = Fault::ALL.iter().map(|&f| counters.of(f)).sum();
    row("requests seen by the proxy", total.to_string());
    for fault in Fault::ALL {
        row(&format!("  {}", fault.label()), counters.of(fault).to_string());
    }
    let upstream_down = counters.upstream_down.load(std::sync::atomic::Ordering::Relaxed);
    row("  502: server down (killed)", upstream_down.to_string());
    let cut = counters.connections_cut.load(std::sync::atomic::Ordering::Relaxed);
    row("connections reset by network outages", cut.to_string());
    row("server kills (SIGKILL) and restarts", disruption.kills.to_string());
    row("network-down periods", disruption.outages.to_string());
    row("  total time down", format!("{:.1} s", disruption.outage_ms as f64 / 1000.0));
    println!("  {}", "-".repeat(55));
    row("attempts by devices", stats.attempts.to_string());
    for (status, n) in &stats.by_status {
        row(&format!("  answered {status}"), n.to_string());
    }
    row("  2xx with the body cut off", stats.cut_bodies.to_string());
    row("  unreachable (refused, no route)", stats.unreachable.to_string());
    row("  timed out", stats.timed_out.to_string());
    row("  connection broken", stats.broken.to_string());
    row("drains (two tabs per device)", stats.drains.to_string());
    row("  abandoned mid-way (tab crashed)", stats.crashed_drains.to_string());
    println!("  {}", "-".repeat(55));
    row("time to drain every device", format!("{:.1} s", sending_time.as_secs_f64()));
    row("wall time", format!("{:.1} s", wall_time.as_secs_f64()));
}

/// The district code a submission is addressed to (every form asks for it).
fn district_of(request: &adal_core::api::SubmissionRequest) -> &str {
    request.answers.get("district").and_then(|d| d.as_str()).unwrap_or_default()
}
