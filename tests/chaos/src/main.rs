//! Adal's chaos test: "nothing typed or photographed is lost, and nothing arrives twice",
//! checked against the real server binary while it is killed with SIGKILL and restarted,
//! behind a proxy that answers 500s, drops, delays, truncates and resets, with the network
//! going down for whole periods. Simulated devices send with core's sync engine, the code
//! the app runs; some complaints carry photos, uploaded in resumable parts through the
//! same faulty proxy (it faults every request alike: status, parts, completion, post).
//! Afterwards the server's own `export` is compared with what the devices hold, and every
//! photo's stored file is hashed again.
//!
//! Loopback only; every loop is bounded by the deadline. Run it with `scripts/chaos`.

mod answers;
mod device;
mod photos;
mod proxy;
mod server;
mod stored;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use adal_core::AttachmentRef;
use adal_core::api::SubmissionRequest;
use adal_core::sync::Backoff;
use adal_core::sync::engine::{Item, Policy};
use adal_core::{District, Series, TrackingNumber};
use clap::Parser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::watch;
use tokio::task::LocalSet;
use tokio::time::Instant;
use uuid::Uuid;

use crate::proxy::{Fault, Faults, Proxy};
use crate::server::{Launch, Server};
use crate::stored::{Fingerprints, Photos};

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
    /// Share of complaints that carry photos (1 to 3 each).
    #[arg(long, default_value_t = 0.25)]
    photo_rate: f64,
    /// The largest photo, in KiB (the smallest is 20 KiB; parts are 256 KiB).
    #[arg(long, default_value_t = 900)]
    photo_max_kib: u64,
    /// The devices' HTTP timeout, in milliseconds.
    #[arg(long, default_value_t = 1_500)]
    client_timeout_ms: u64,
    /// Keep the temporary data directory (its path is printed).
    #[arg(long)]
    keep_data: bool,
    /// Server processes behind the proxy, each request to the next in turn. More than
    /// one needs a shared database and a shared attachment store.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    servers: u16,
    /// The servers' database (`postgres://…`); SQLite in the data directory without it.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The servers' attachment store (`s3://bucket/prefix`, with the `AWS_*` variables);
    /// the data directory's without it.
    #[arg(long, value_name = "URL")]
    attachments_url: Option<String>,
    /// A shell command that restarts the database, run once at a random moment mid-run.
    #[arg(long, value_name = "COMMAND")]
    restart_database: Option<String>,
}

impl Args {
    /// What each simulated device does, until `deadline`.
    fn device_settings(&self, deadline: Instant) -> device::Settings {
        device::Settings {
            per_device: self.per_device,
            client_timeout: Duration::from_millis(self.client_timeout_ms),
            // The app's rules on a compressed time scale: the back-off's shape is the same,
            // its seconds are tenths, so that a run takes minutes, not hours.
            policy: Policy {
                backoff: Backoff { base_ms: 200, cap_ms: 5_000 },
                lease_ms: 2 * self.client_timeout_ms + 1_000,
                ..Policy::default()
            },
            crash_rate: 0.03,
            photo_rate: self.photo_rate.clamp(0.0, 1.0),
            photo_max_bytes: self.photo_max_kib * 1024,
            deadline,
        }
    }

    /// How server `i` is started: its own data directory and log, the shared stores.
    fn launch(&self, dir: &Path, i: u16) -> Launch {
        let mut stores = Vec::new();
        if let Some(url) = &self.database {
            stores.extend(["--database".to_owned(), url.clone()]);
        }
        if let Some(url) = &self.attachments_url {
            stores.extend(["--attachments-url".to_owned(), url.clone()]);
        }
        Launch {
            bin: self.server_bin.clone(),
            data: dir.join(if self.servers == 1 { "data".into() } else { format!("data-{i}") }),
            log: dir.join(format!("server-{i}.log")),
            stores,
        }
    }
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
    database_restarts: u32,
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let started = Instant::now();
    let seed = args.seed.unwrap_or_else(|| rand::rng().random());
    println!(
        "chaos: {} devices x {} complaints, seed {seed}, deadline {} s",
        args.devices, args.per_device, args.deadline_secs
    );
    if args.servers > 1 && (args.database.is_none() || args.attachments_url.is_none()) {
        anyhow::bail!(
            "several servers share nothing but the database and the attachment store: \
             --servers > 1 needs --database and --attachments-url"
        );
    }
    let dir = tempfile::Builder::new().prefix("adal-chaos-").tempdir()?;
    let mut ports = StdRng::seed_from_u64(seed ^ 0x706f_7274);
    let mut quiet_ports =
        move || -> Vec<u16> { (0..50).map(|_| ports.random_range(QUIET_PORTS)).collect() };
    let mut servers = Vec::new();
    for i in 0..args.servers {
        servers.push(Server::start(args.launch(dir.path(), i), quiet_ports()).await?);
    }
    let addrs: Vec<_> = servers.iter().map(Server::addr).collect();
    let client_timeout = Duration::from_millis(args.client_timeout_ms);
    let faults =
        Faults { rate: args.fault_rate, delay: client_timeout + Duration::from_millis(500), seed };
    let proxy = Proxy::start(&addrs, faults, quiet_ports()).await?;
    let listed: Vec<_> = addrs.iter().map(ToString::to_string).collect();
    println!("chaos: servers on {}, proxy on {}", listed.join(", "), proxy.addr());

    let deadline = started + Duration::from_secs(args.deadline_secs);
    let (finished_tx, finished) = watch::channel(false);
    let killer = tokio::spawn(kill_now_and_then(servers, args.clone(), seed, finished.clone()));
    let outages =
        tokio::spawn(cut_the_network(proxy.clone(), args.clone(), seed, finished.clone()));
    let restarts = tokio::spawn(restart_the_database(args.clone(), seed, finished));

    let settings = args.device_settings(deadline);
    let outcomes = run_devices(&args, seed, settings, &proxy).await?;
    let sending_time = started.elapsed();
    finished_tx.send_replace(true);
    let (mut servers, kills) = killer.await??;
    let disruption = Disruption { kills, database_restarts: restarts.await??, ..outages.await? };
    // The last stop is a kill as well: what a server promised must already be stored.
    for server in &mut servers {
        server.kill().await?;
    }
    proxy.set_up(false);

    let launch = args.launch(dir.path(), 0);
    let rows = server::export(&launch).await?;
    let photo_ids = outcomes.iter().flat_map(|o| &o.submitted).flat_map(|r| &r.attachments);
    let stored = Photos::new(&launch.data, args.attachments_url.as_deref())?
        .fingerprints(photo_ids.map(|photo| photo.id))
        .await?;
    let check = Check::new(&outcomes, &rows, &stored);
    print_figures(&check, &outcomes, &proxy, disruption, sending_time, started.elapsed());
    let passed = verdict(&check, &args, dir.path());
    if args.keep_data {
        println!("data kept in {}", dir.keep().display());
    }
    Ok(passed)
}

/// Runs every device to its end (all sent, or the deadline), each as a task of its own.
async fn run_devices(
    args: &Args,
    seed: u64,
    settings: device::Settings,
    proxy: &Proxy,
) -> anyhow::Result<Vec<device::Outcome>> {
    let api = format!("http://{}/api/v1", proxy.addr());
    let local = LocalSet::new();
    local
        .run_until(async {
            let tasks: Vec<_> = (0..args.devices)
                .map(|i| {
                    let network = proxy.watch();
                    tokio::task::spawn_local(device::run(i, seed, settings, api.clone(), network))
                })
                .collect();
            let mut outcomes = Vec::new();
            for task in tasks {
                outcomes.push(task.await??);
            }
            anyhow::Ok(outcomes)
        })
        .await
}

/// Says whether the run passed; if not, what failed and the end of each server's log.
fn verdict(check: &Check, args: &Args, dir: &Path) -> bool {
    let passed = check.passed();
    if !passed {
        println!("\nFAILED: {}", check.failures().join("; "));
        for i in 0..args.servers {
            let log = args.launch(dir, i).log;
            if let Ok(text) = std::fs::read_to_string(&log) {
                let tail: Vec<_> = text.lines().rev().take(20).collect();
                println!("server {i} log (last lines):");
                tail.iter().rev().for_each(|line| println!("  {line}"));
            }
        }
    } else {
        println!(
            "\nPASSED: every complaint is on the server exactly once, with the device's \
             receipt, and every photo verifies"
        );
    }
    passed
}

/// Kills a server (one of them at random) with SIGKILL at random moments and starts it
/// again after a short while, until `kills` is reached or the devices are done. Hands
/// the servers back.
async fn kill_now_and_then(
    mut servers: Vec<Server>,
    args: Args,
    seed: u64,
    mut finished: watch::Receiver<bool>,
) -> anyhow::Result<(Vec<Server>, u32)> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6b69_6c6c);
    let mut kills = 0;
    while kills < args.kills {
        let gap = rng.random_range(args.kill_gap_ms / 2..=args.kill_gap_ms * 3 / 2);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(gap)) => {}
            _ = finished.wait_for(|done| *done) => break,
        }
        let which = rng.random_range(0..servers.len());
        let server = &mut servers[which];
        server.kill().await?;
        kills += 1;
        // Down for a moment: what arrives meanwhile finds no server (the proxy says 502)
        // or, with several, the next one.
        tokio::time::sleep(Duration::from_millis(rng.random_range(50..800))).await;
        server.restart().await?;
    }
    Ok((servers, kills))
}

/// Restarts the database once, with `--restart-database`, 2–8 s into the run (unless the
/// devices are done first). Returns how many restarts there were.
async fn restart_the_database(
    args: Args,
    seed: u64,
    mut finished: watch::Receiver<bool>,
) -> anyhow::Result<u32> {
    let Some(command) = args.restart_database else { return Ok(0) };
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7265_7374);
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_millis(rng.random_range(2_000..8_000))) => {}
        _ = finished.wait_for(|done| *done) => return Ok(0),
    }
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .stdin(std::process::Stdio::null())
        .status()
        .await
        .map_err(|e| anyhow::anyhow!("running --restart-database: {e}"))?;
    anyhow::ensure!(status.success(), "--restart-database failed: {status}");
    Ok(1)
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
    /// Photos listed by the submissions the devices made, and their bytes.
    photos_submitted: usize,
    photo_bytes: u64,
    /// Photos whose submission's row does not list them, with the same reference, both
    /// in `attachments` and in the `photos` answer (or has no row).
    photos_unlisted: usize,
    /// Photos whose stored file is missing, or differs in size or SHA-256.
    photos_damaged: usize,
    /// Photos listed and stored with exactly the size and SHA-256 the device computed.
    photos_verified: usize,
    /// Photos on server rows that no device listed for that submission.
    photos_unexpected: usize,
    /// Tries each delivered item took (its failed attempts plus the one that worked),
    /// for items without photos and with photos.
    tries: [Tries; 2],
}

/// Tries per delivered item, summed.
#[derive(Debug, Default, Clone, Copy)]
struct Tries {
    items: u64,
    total: u64,
    most: u32,
}

impl Tries {
    fn add(&mut self, item: &Item) {
        let tries = item.attempts.saturating_add(1);
        self.items += 1;
        self.total += u64::from(tries);
        self.most = self.most.max(tries);
    }

    fn describe(&self) -> String {
        let mean = self.total as f64 / self.items.max(1) as f64;
        format!("{mean:.1} / {}", self.most)
    }
}

impl Check {
    fn new(outcomes: &[device::Outcome], rows: &[server::Row], stored: &Fingerprints) -> Check {
        let mut check = Check { rows: rows.len(), ..Check::default() };
        let mut on_server: HashMap<Uuid, Vec<&str>> = HashMap::new();
        let mut row_of: HashMap<Uuid, &server::Row> = HashMap::new();
        for row in rows {
            on_server.entry(row.id).or_default().push(&row.tracking);
            row_of.entry(row.id).or_insert(row);
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
                check.photos(request, row_of.get(&request.id).copied(), stored);
            }
            let mut filed: HashMap<Uuid, usize> = HashMap::new();
            for (item, receipt) in &outcome.sent {
                *filed.entry(item.id()).or_default() += 1;
                check.tries[usize::from(!item.request.attachments.is_empty())].add(item);
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
        check.photos_unexpected += rows
            .iter()
            .filter(|row| !made.contains_key(&row.id))
            .map(|row| row.attachments.len())
            .sum::<usize>();

        let mut sequences: BTreeMap<(District, i32, Series), Vec<u32>> = BTreeMap::new();
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            if !seen.insert(row.tracking.as_str()) {
                check.duplicate_tracking += 1;
            }
            match TrackingNumber::from_str(&row.tracking) {
                Ok(t) => {
                    sequences.entry((t.district, t.year, t.series)).or_default().push(t.sequence)
                }
                Err(_) => check.broken_sequences.push(format!("unparsable {}", row.tracking)),
            }
        }
        for ((district, year, series), mut numbers) in sequences {
            numbers.sort_unstable();
            if numbers.iter().enumerate().any(|(i, &n)| n as usize != i + 1) {
                check.broken_sequences.push(format!("{}-{year} {series:?}", district.code()));
            }
        }
        check
    }

    /// Every photo `request` lists must be listed by its row on the server, named by the
    /// row's `photos` answer, and stored with exactly the size and SHA-256 the device
    /// computed (`stored`: the files read back from the store and hashed again).
    fn photos(
        &mut self,
        request: &SubmissionRequest,
        row: Option<&server::Row>,
        stored: &Fingerprints,
    ) {
        let answered: Vec<AttachmentRef> = row
            .and_then(|row| row.answers.get("photos"))
            .and_then(|photos| serde_json::from_value(photos.clone()).ok())
            .unwrap_or_default();
        if let Some(row) = row {
            self.photos_unexpected +=
                row.attachments.iter().filter(|a| !request.attachments.contains(a)).count();
        }
        for photo in &request.attachments {
            self.photos_submitted += 1;
            self.photo_bytes += photo.size;
            let listed = row.is_some_and(|row| row.attachments.contains(photo));
            if !listed || !answered.contains(photo) {
                self.photos_unlisted += 1;
            }
            match stored.get(&photo.id) {
                Some((size, sha256)) if *size == photo.size && *sha256 == photo.sha256 => {
                    self.photos_verified += 1;
                }
                _ => self.photos_damaged += 1,
            }
        }
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
        let photos = self.photos_submitted;
        fail(
            self.photos_verified != photos,
            format!("{} of {photos} photos verified", self.photos_verified),
        );
        fail(
            self.photos_unlisted > 0,
            format!("{} photos not listed by their row", self.photos_unlisted),
        );
        fail(
            self.photos_damaged > 0,
            format!("{} photos missing or damaged in the store", self.photos_damaged),
        );
        fail(
            self.photos_unexpected > 0,
            format!("{} photos on rows that no device listed", self.photos_unexpected),
        );
        failures
    }

    fn passed(&self) -> bool {
        self.failures().is_empty()
    }
}

/// Every device's counters, added up.
fn device_totals(outcomes: &[device::Outcome]) -> device::Stats {
    let mut stats = device::Stats::default();
    for o in outcomes {
        stats.attempts += o.stats.attempts;
        stats.batches += o.stats.batches;
        stats.cut_bodies += o.stats.cut_bodies;
        stats.unreachable += o.stats.unreachable;
        stats.timed_out += o.stats.timed_out;
        stats.broken += o.stats.broken;
        stats.drains += o.stats.drains;
        stats.crashed_drains += o.stats.crashed_drains;
        stats.uploads.add(&o.stats.uploads);
        for (status, n) in &o.stats.by_status {
            *stats.by_status.entry(*status).or_default() += n;
        }
    }
    stats
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
    let stats = device_totals(outcomes);
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
    row("photos submitted", check.photos_submitted.to_string());
    row("photo bytes", format!("{:.1} MiB", check.photo_bytes as f64 / 1_048_576.0));
    row("photos verified (listed, size and SHA-256)", check.photos_verified.to_string());
    row("photos not listed by their row", check.photos_unlisted.to_string());
    row("photos missing or damaged in the store", check.photos_damaged.to_string());
    row("photos on rows no device listed", check.photos_unexpected.to_string());
    let uploads = stats.uploads;
    row("upload requests", uploads.requests().to_string());
    row("  status (GET)", uploads.status_requests.to_string());
    row("  parts (PUT)", uploads.part_requests.to_string());
    row("  complete (POST)", uploads.complete_requests.to_string());
    row("part bytes sent", format!("{:.1} MiB", uploads.part_bytes as f64 / 1_048_576.0));
    row("parts skipped on resume (already held)", uploads.parts_resumed.to_string());
    row("photos found complete on a retry", uploads.already_held.to_string());
    row("completions answered 2xx", uploads.completed.to_string());
    row("attempts ended by an unfinished upload", uploads.unfinished.to_string());
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
    row("database restarts", disruption.database_restarts.to_string());
    row("network-down periods", disruption.outages.to_string());
    row("  total time down", format!("{:.1} s", disruption.outage_ms as f64 / 1000.0));
    println!("  {}", "-".repeat(55));
    row("submission posts by devices", stats.attempts.to_string());
    row("  of which batches (2 to 100 items)", stats.batches.to_string());
    row("  tries per item, no photos: mean / most", check.tries[0].describe());
    row("  tries per item with photos: mean / most", check.tries[1].describe());
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
fn district_of(request: &SubmissionRequest) -> &str {
    request.answers.get("district").and_then(|d| d.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(attachments: Vec<AttachmentRef>) -> SubmissionRequest {
        SubmissionRequest {
            id: Uuid::from_u128(1),
            form: adal_core::form::current("complaint").expect("complaint").form_ref(),
            answers: serde_json::from_value(serde_json::json!({ "photos": attachments }))
                .expect("answers"),
            attachments,
            receipt_secret: None,
        }
    }

    fn store(data: &Path, photo: &AttachmentRef, bytes: &[u8]) {
        let path = stored::file_in(data, photo.id);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    #[tokio::test]
    async fn a_photo_counts_only_listed_by_its_row_and_stored_with_its_size_and_hash() {
        let data = tempfile::tempdir().expect("a temporary directory");
        let mut rng = StdRng::seed_from_u64(3);
        let mut photo = |n| photos::take(&mut rng, Uuid::from_u128(n), 300 * 1024);
        let (whole, damaged, missing, unlisted, extra) =
            (photo(10), photo(11), photo(12), photo(13), photo(14));
        let bytes = |p: &photos::Photo| photos::bytes(p.seed, p.attachment.size);
        store(data.path(), &whole.attachment, &bytes(&whole));
        store(data.path(), &unlisted.attachment, &bytes(&unlisted));
        let mut flipped = bytes(&damaged).to_vec();
        flipped[1000] ^= 1;
        store(data.path(), &damaged.attachment, &flipped);

        let sent: Vec<_> =
            [&whole, &damaged, &missing, &unlisted].map(|p| p.attachment.clone()).to_vec();
        let request = submission(sent.clone());
        let mut listed = sent[..3].to_vec();
        listed.push(extra.attachment.clone());
        let row = server::Row {
            id: request.id,
            tracking: "URA-2026-00001".into(),
            answers: serde_json::json!({ "photos": sent }),
            attachments: listed,
        };
        let ids = [&whole, &damaged, &missing, &unlisted, &extra].map(|p| p.attachment.id);
        let stored = Photos::Dir(data.path().into()).fingerprints(ids).await.expect("read");
        let mut check = Check::default();
        check.photos(&request, Some(&row), &stored);
        assert_eq!(check.photos_submitted, 4);
        assert_eq!(check.photos_verified, 2, "the whole one, and the unlisted one's file");
        assert_eq!(check.photos_damaged, 2, "one flipped bit, one absent file");
        assert_eq!(check.photos_unlisted, 1);
        assert_eq!(check.photos_unexpected, 1);
        let failures = check.failures().join("; ");
        assert!(failures.contains("2 of 4 photos verified"), "{failures}");

        let mut lost = Check::default();
        lost.photos(&request, None, &stored);
        assert_eq!(lost.photos_unlisted, 4, "no row lists nothing");

        let mut fine = Check::default();
        let request = submission(vec![whole.attachment.clone()]);
        let row = server::Row {
            answers: serde_json::json!({ "photos": [whole.attachment] }),
            attachments: vec![whole.attachment.clone()],
            ..row
        };
        fine.photos(&request, Some(&row), &stored);
        assert!(fine.passed(), "{:?}", fine.failures());
        assert_eq!(fine.photos_verified, 1);
    }
}
