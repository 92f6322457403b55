//! Every server measure of issue 6, each repeated and reported as the median of its
//! repetitions, each bounded in time (no single measure runs a minute).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE};
use hyper::{Method, Request, StatusCode};

mod postgres;

use crate::data::{self, Seeded};
use crate::load::{self, MakeRequest, Run, median, percentile};
use crate::report::{Goal, Row};
use crate::server::{Launcher, Server};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Where to write the rows.
    #[arg(long, default_value = "target/bench/server.json")]
    out: PathBuf,
    /// Where the databases go (the seeded ones are kept for the next run).
    #[arg(long, default_value = "target/bench/work")]
    work: PathBuf,
    /// The server binary; by default the `adal-server` next to this binary.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Repetitions of each measure.
    #[arg(long, default_value_t = 5)]
    reps: usize,
    /// Seconds of each timed load run (the open-loop run takes twice as long).
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Submissions stored for the list and single-record measures.
    #[arg(long, default_value_t = 1_000_000)]
    stored: u64,
    /// Rows of the CSV export.
    #[arg(long, default_value_t = 100_000)]
    export_rows: u64,
    /// Submissions of the backup and restore measures (a photo on every tenth).
    #[arg(long, default_value_t = 100_000)]
    backup_rows: u64,
    /// Only these groups: ingest, batch, read, export, idle, backup, postgres.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// A PostgreSQL cluster (`postgres://…`, a user that may create databases) for the
    /// `postgres` group; the group is left out without it.
    #[arg(long, env = "ADAL_BENCH_POSTGRES", value_name = "URL")]
    postgres: Option<String>,
    /// Keep the databases (the seeded ones are reused by the next run) instead of
    /// deleting them at the end: on a shared disk, space matters more than 20 s.
    #[arg(long)]
    keep_work: bool,
}

/// The description of the seeded rows the read measures page through: a complaint of
/// a few sentences, about 0.9 KB stored. (The ingest and export rows are about 2 KB.)
const READ_DESCRIPTION: usize = 400;

struct Bench {
    launcher: Launcher,
    /// The server's core; the baselines run there too (same core, same disk).
    server_core: Option<usize>,
    work: PathBuf,
    reps: usize,
    seconds: Duration,
    today: time::Date,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let bench = bench_of(&options)?;
    let wanted = |group: &str| options.only.is_empty() || options.only.iter().any(|o| o == group);

    let mut rows = Vec::new();
    if wanted("ingest") {
        rows.extend(bench.ingest().await?);
    }
    if wanted("batch") {
        rows.extend(bench.batch().await?);
    }
    if wanted("read") {
        rows.extend(bench.read(options.stored).await?);
    }
    if wanted("export") {
        rows.extend(bench.export(options.export_rows).await?);
        rows.extend(bench.export_everything(options.stored).await?);
    }
    if wanted("idle") {
        rows.extend(bench.idle().await?);
    }
    if let Some(url) = options.postgres.as_deref().filter(|_| wanted("postgres")) {
        let cluster = postgres::Cluster::new(url)?;
        rows.extend(bench.postgres(&cluster, options.stored).await?);
    }
    if wanted("backup") {
        // About 1.6 GB of photos, then a backup file, a tar and two restored copies.
        ensure_free(&options.work, 8_000_000_000)?;
        let reps = bench.reps.min(3);
        rows.extend(crate::backup::rows(
            &bench.launcher.binary,
            &options.work,
            options.backup_rows,
            reps,
        )?);
    }
    if !options.keep_work {
        for entry in std::fs::read_dir(&options.work)? {
            let path = entry?.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            }
        }
    }
    std::fs::write(&options.out, serde_json::to_string_pretty(&rows)?)?;
    eprintln!("adal-bench: {} rows written to {}", rows.len(), options.out.display());
    Ok(())
}

/// The bench of `options`: the server's binary and core, this process pinned to the
/// last core, the work directories made.
fn bench_of(options: &Options) -> anyhow::Result<Bench> {
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    // The server on core 0, this load generator on the last core; the baselines run on
    // the server's core (see `Bench::baseline`), where the server's work would run.
    let server_core = if cores >= 2 {
        if let Some(last) = core_affinity::get_core_ids().and_then(|ids| ids.last().copied()) {
            core_affinity::set_for_current(last);
        }
        Some(0)
    } else {
        None
    };
    let binary = match options.server.clone() {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("adal-server"),
    };
    ensure!(binary.is_file(), "no server binary at {}", binary.display());
    std::fs::create_dir_all(&options.work)?;
    if let Some(parent) = options.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let launcher = Launcher {
        binary,
        core: server_core,
        log: options.work.join("server.log"),
        stores: Vec::new(),
    };
    let bench = Bench {
        launcher,
        server_core,
        work: options.work.clone(),
        reps: options.reps,
        seconds: Duration::from_secs(options.seconds),
        today: data::today(),
    };
    eprintln!(
        "adal-bench: {} repetitions, {} s runs, server on core {}, {cores} cores",
        bench.reps,
        options.seconds,
        server_core.map_or("any".to_owned(), |c| c.to_string())
    );
    Ok(bench)
}

/// Fails early, with a clear message, when the disk of `dir` has less than `bytes` free
/// (plus a margin): a full disk would fail the run half-way, and other people's work too.
fn ensure_free(dir: &Path, bytes: u64) -> anyhow::Result<()> {
    let output = std::process::Command::new("df").arg("-Pk").arg(dir).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let free_kb: Option<u64> =
        text.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|v| v.parse().ok());
    let Some(free_kb) = free_kb else { return Ok(()) };
    let needed = bytes + 2_000_000_000;
    ensure!(
        free_kb * 1024 >= needed,
        "{} has {:.1} GB free; this measure needs about {:.1} GB",
        dir.display(),
        free_kb as f64 / 1e6,
        needed as f64 / 1e9
    );
    Ok(())
}

/// A fresh, empty data directory under the work directory. The disk is settled first
/// (the last run's files deleted and everything written flushed, then a pause), so that
/// no run pays for the writeback or discards of the one before it.
fn fresh(work: &Path, name: &str) -> anyhow::Result<PathBuf> {
    for entry in std::fs::read_dir(work)? {
        let path = entry?.path();
        let seeded = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-"));
        if path.is_dir() && !seeded {
            std::fs::remove_dir_all(&path)?;
        }
    }
    let dir = work.join(name);
    let _ = std::process::Command::new("sync").status();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Median over repetitions of throughput, p50 and p99 (ms).
#[derive(Debug, Default)]
struct Summary {
    per_second: Vec<f64>,
    p50: Vec<f64>,
    p95: Vec<f64>,
    p99: Vec<f64>,
}

impl Summary {
    fn add(&mut self, mut run: Run, what: &str) -> anyhow::Result<()> {
        if run.failures > 0 {
            bail!(
                "{what}: {} failed requests, first: {}",
                run.failures,
                run.first_failure.unwrap_or_default()
            );
        }
        ensure!(!run.latencies_us.is_empty(), "{what}: nothing was answered");
        self.per_second.push(run.per_second());
        self.p50.push(percentile(&mut run.latencies_us, 50.0) / 1000.0);
        self.p95.push(percentile(&mut run.latencies_us, 95.0) / 1000.0);
        self.p99.push(percentile(&mut run.latencies_us, 99.0) / 1000.0);
        eprintln!(
            "  {what}: {:.0}/s, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms ({} answers)",
            run.per_second(),
            self.p50.last().unwrap_or(&0.0),
            self.p95.last().unwrap_or(&0.0),
            self.p99.last().unwrap_or(&0.0),
            run.latencies_us.len()
        );
        Ok(())
    }

    fn rate(&self) -> f64 {
        median(&self.per_second)
    }

    /// The ratios of each repetition to the baseline run next to it: on a shared,
    /// noisy disk they say more than the ratio of the medians.
    fn paired(&self, baseline: &Summary) -> String {
        let ratios: Vec<f64> =
            self.per_second.iter().zip(&baseline.per_second).map(|(o, b)| o / b).collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        format!("paired ratios median {:.2}× ({low:.2}–{high:.2}×)", median(&ratios))
    }
    fn p50(&self) -> f64 {
        median(&self.p50)
    }
    fn p95(&self) -> f64 {
        median(&self.p95)
    }
    fn p99(&self) -> f64 {
        median(&self.p99)
    }
}

/// The bodies of benchmark submissions: a JSON prefix and suffix around the id, for 13
/// variants (one per district), so that making a request is a copy and a fresh UUID.
struct Bodies(Vec<(String, String)>);

const ID_PLACEHOLDER: &str = "00000000-0000-0000-0000-000000000000";

impl Bodies {
    fn new(today: time::Date) -> anyhow::Result<Bodies> {
        let mut variants = Vec::new();
        for n in 0..13 {
            let mut request = data::submission(n, today);
            request.id = uuid::Uuid::nil();
            let json = serde_json::to_string(&request)?;
            let (prefix, suffix) = json.split_once(ID_PLACEHOLDER).context("no id in the body")?;
            variants.push((prefix.to_owned(), suffix.to_owned()));
        }
        Ok(Bodies(variants))
    }

    fn one(&self, n: u64) -> String {
        let (prefix, suffix) = &self.0[(n % self.0.len() as u64) as usize];
        format!("{prefix}{}{suffix}", data::phone_id())
    }

    fn size(&self) -> usize {
        self.one(0).len()
    }

    fn batch(&self, n: u64, items: u64) -> String {
        let mut body = String::from("{\"submissions\":[");
        for i in 0..items {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&self.one(n * items + i));
        }
        body.push_str("]}");
        body
    }
}

fn post(addr: SocketAddr, path: &str, body: String) -> Request<Full<Bytes>> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(hyper::header::HOST, addr.to_string())
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid request")
}

fn get(addr: SocketAddr, path: &str) -> Request<Full<Bytes>> {
    Request::builder()
        .uri(path)
        .header(hyper::header::HOST, addr.to_string())
        .body(Full::new(Bytes::new()))
        .expect("a valid request")
}

/// A staff `GET` with the session `cookie` (see [`Server::log_in`]).
fn staff_get(addr: SocketAddr, cookie: &str, path: &str) -> Request<Full<Bytes>> {
    let mut request = get(addr, path);
    request.headers_mut().insert(COOKIE, cookie.parse().expect("a cookie is a header value"));
    request
}

impl Bench {
    /// Runs a baseline on a thread of its own, pinned to the server's core.
    async fn baseline(
        &self,
        name: &str,
        per_transaction: usize,
        capacity: usize,
    ) -> anyhow::Result<Run> {
        let dir = fresh(&self.work, name)?;
        let (core, seconds) = (self.server_core, self.seconds);
        tokio::task::spawn_blocking(move || {
            std::thread::spawn(move || {
                if let Some(id) = core {
                    core_affinity::set_for_current(core_affinity::CoreId { id });
                }
                crate::baseline::insert(&dir, per_transaction, seconds, capacity)
            })
            .join()
            .map_err(|_| anyhow::anyhow!("the baseline panicked"))?
        })
        .await?
    }

    /// Durable ingest on `addr` from `connections` connections, back to back, for the
    /// run's seconds.
    async fn ingest_closed(
        &self,
        addr: SocketAddr,
        connections: usize,
        bodies: &Arc<Bodies>,
    ) -> anyhow::Result<Run> {
        let make = ingest_requests(addr, bodies);
        load::closed_loop(addr, connections, self.seconds, make, StatusCode::CREATED).await
    }

    /// Durable ingest on `addr` at a fixed 1,000 a second (up to 64 connections), for
    /// twice the run's seconds.
    async fn ingest_open(&self, addr: SocketAddr, bodies: &Arc<Bodies>) -> anyhow::Result<Run> {
        let make = ingest_requests(addr, bodies);
        load::open_loop(addr, 64, 1000.0, self.seconds * 2, make, StatusCode::CREATED).await
    }

    /// The batch endpoint on `addr`, 100 submissions a request from 4 connections, once a
    /// first batch is seen stored whole.
    async fn batch_load(&self, addr: SocketAddr, bodies: &Arc<Bodies>) -> anyhow::Result<Run> {
        check_batch(addr, bodies).await?;
        let make: MakeRequest = {
            let bodies = Arc::clone(bodies);
            Arc::new(move |n| post(addr, "/api/v1/submissions/batch", bodies.batch(n, 100)))
        };
        load::closed_loop(addr, 4, self.seconds, make, StatusCode::OK).await
    }

    fn start(&self, name: &str) -> anyhow::Result<(Server, PathBuf)> {
        let dir = fresh(&self.work, name)?;
        Ok((self.launcher.start(&dir)?, dir))
    }

    /// Durable ingest against single-row transactions; group commit under load.
    async fn ingest(&self) -> anyhow::Result<Vec<Row>> {
        eprintln!("durable ingest ({} B a request)", Bodies::new(self.today)?.size());
        let bodies = Arc::new(Bodies::new(self.today)?);
        let mut m = IngestRuns::default();
        for rep in 0..self.reps {
            let run = self.baseline("baseline-single", 1, 400_000).await?;
            m.baseline.add(run, &format!("baseline single-row transactions #{rep}"))?;

            for (connections, many) in [(1, false), (64, true)] {
                let (server, _dir) = self.start("ingest")?;
                let run = self.ingest_closed(server.addr, connections, &bodies).await?;
                let summary = if many { &mut m.many } else { &mut m.one };
                summary.add(run, &format!("ingest, {connections} connection(s) #{rep}"))?;
                if many {
                    m.many_rss.push(server.memory_mb()?.1);
                }
            }

            let (server, _dir) = self.start("ingest")?;
            let run = self.ingest_open(server.addr, &bodies).await?;
            m.open.add(run, &format!("ingest, open loop 1,000/s #{rep}"))?;

            // The same open loop on a request that never touches the disk: what this
            // machine's scheduling alone adds to the tail.
            let make = not_modified_requests(server.addr).await?;
            let run = load::open_loop(
                server.addr,
                64,
                1000.0,
                self.seconds * 2,
                make,
                StatusCode::NOT_MODIFIED,
            )
            .await?;
            m.floor.add(run, &format!("floor: GET /api/v1/forms 304, open loop 1,000/s #{rep}"))?;

            // And on one connection, closed loop: what a round trip through HTTP costs
            // here without any work, next to the single-connection ingest.
            let make = not_modified_requests(server.addr).await?;
            let run =
                load::closed_loop(server.addr, 1, self.seconds, make, StatusCode::NOT_MODIFIED)
                    .await?;
            m.floor_one.add(run, &format!("floor: GET /api/v1/forms 304, 1 connection #{rep}"))?;
        }
        Ok(m.rows(self.seconds))
    }

    /// The batched sync endpoint against raw batched inserts.
    async fn batch(&self) -> anyhow::Result<Vec<Row>> {
        eprintln!("batched sync (100 a request)");
        let bodies = Arc::new(Bodies::new(self.today)?);
        let (mut baseline, mut ours) = (Summary::default(), Summary::default());
        for rep in 0..self.reps {
            let run = self.baseline("baseline-batch", 100, 1_000_000).await?;
            baseline.add(run, &format!("baseline 100-row transactions #{rep}"))?;

            let (server, _dir) = self.start("batch")?;
            let run = self.batch_load(server.addr, &bodies).await?;
            ours.add(run, &format!("batch endpoint, 4 connections #{rep}"))?;
        }
        Ok(vec![Row::new(
            "batched sync endpoint, 100 submissions a request",
            ours.rate() * 100.0,
            Some(baseline.rate() * 100.0),
            "records/s",
            Goal::RatioAndAtLeast(0.5, 20_000.0),
            format!(
                "4 connections; request p50 {:.1} ms, p99 {:.1} ms; baseline = raw rusqlite, \
                 100 rows a transaction, same durability and disk; {}",
                ours.p50(),
                ours.p99(),
                ours.paired(&baseline)
            ),
        )])
    }

    /// Pages and single records with `stored` submissions in the database.
    async fn read(&self, stored: u64) -> anyhow::Result<Vec<Row>> {
        let dir = self.work.join(format!("seed-{stored}"));
        eprintln!("list and single record, {stored} stored (seeding {} once)", dir.display());
        let started = Instant::now();
        ensure_free(&self.work, stored * 1_600)?;
        let seeded =
            tokio::task::spawn_blocking(move || data::seed(&dir, stored, READ_DESCRIPTION))
                .await??;
        eprintln!("  seeded in {:.1} s", started.elapsed().as_secs_f64());
        let dir = self.work.join(format!("seed-{stored}"));
        let server = self.launcher.start(&dir)?;
        let addr = server.addr;
        let cookie: Arc<str> = server.log_in().await?.into();
        let seeded = Arc::new(seeded);
        let list: MakeRequest = {
            let (seeded, cookie) = (Arc::clone(&seeded), Arc::clone(&cookie));
            Arc::new(move |n| staff_get(addr, &cookie, &list_query(&seeded, n)))
        };
        let single: MakeRequest = {
            let (seeded, cookie) = (Arc::clone(&seeded), Arc::clone(&cookie));
            Arc::new(move |n| {
                let row = spread(n, seeded.rows);
                let path = format!("/api/v1/staff/submissions/{}", seeded.tracking(row));
                staff_get(addr, &cookie, &path)
            })
        };
        // Warm-up, not counted: the first requests open read connections.
        load::sequential(addr, 50, Arc::clone(&list), StatusCode::OK).await?;
        let (mut lists, mut singles) = (Summary::default(), Summary::default());
        for rep in 0..self.reps {
            let run = load::sequential(addr, 1000, Arc::clone(&list), StatusCode::OK).await?;
            lists.add(run, &format!("list page #{rep}"))?;
            let run = load::sequential(addr, 1000, Arc::clone(&single), StatusCode::OK).await?;
            singles.add(run, &format!("single record #{rep}"))?;
        }
        let stored_text = crate::report::number(stored as f64);
        Ok(vec![
            Row::new(
                &format!("staff list page (50 rows), {stored_text} stored: p95"),
                lists.p95(),
                None,
                "ms",
                Goal::AtMost(100.0),
                format!(
                    "p50 {:.2} ms; 1,000 requests a repetition: a third unfiltered, a third by \
                     district, a third by district and form, at random depths by cursor; \
                     seeded rows about 0.9 KB; warm page cache",
                    lists.p50()
                ),
            ),
            Row::new(
                &format!("staff single record by tracking number, {stored_text} stored: p95"),
                singles.p95(),
                None,
                "ms",
                Goal::AtMost(100.0),
                format!("p50 {:.2} ms; random records", singles.p50()),
            ),
        ])
    }

    /// The CSV export: time, and the server's peak memory during it.
    async fn export(&self, rows: u64) -> anyhow::Result<Vec<Row>> {
        let dir = self.work.join(format!("seed-{rows}"));
        eprintln!("CSV export of {rows} rows");
        let seed_dir = dir.clone();
        ensure_free(&self.work, rows * 5_000)?;
        tokio::task::spawn_blocking(move || data::seed(&seed_dir, rows, data::FULL_DESCRIPTION))
            .await??;
        let (mut seconds, mut peaks, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
        for rep in 0..self.reps {
            // A fresh process each time, so that its peak is this export's.
            let server = self.launcher.start(&dir)?;
            let cookie = server.log_in().await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let started = Instant::now();
            let (bytes, lines) = stream_export(server.addr, &cookie).await?;
            let elapsed = started.elapsed().as_secs_f64();
            let (_, peak) = server.memory_mb()?;
            ensure!(lines == rows + 1, "the export had {lines} lines for {rows} rows");
            eprintln!(
                "  export #{rep}: {elapsed:.2} s, {:.0} MB, server peak RSS {peak:.1} MB",
                bytes as f64 / 1e6
            );
            seconds.push(elapsed);
            peaks.push(peak);
            sizes.push(bytes as f64 / 1e6);
        }
        let rows_text = crate::report::number(rows as f64);
        Ok(vec![
            Row::new(
                &format!("streamed CSV export, {rows_text} rows: time"),
                median(&seconds),
                None,
                "s",
                Goal::AtMost(10.0),
                format!("{:.0} MB of CSV, read as it streams", median(&sizes)),
            ),
            Row::new(
                &format!("streamed CSV export, {rows_text} rows: server peak RSS"),
                median(&peaks),
                None,
                "MB",
                Goal::AtMost(100.0),
                "VmHWM of a server process started for the export".into(),
            ),
        ])
    }

    /// One export of the big database, when the read measures seeded it: the export's
    /// memory must not grow with its size.
    async fn export_everything(&self, stored: u64) -> anyhow::Result<Vec<Row>> {
        let dir = self.work.join(format!("seed-{stored}"));
        if !dir.join(format!("seeded-{stored}-{READ_DESCRIPTION}-v2")).is_file() {
            return Ok(Vec::new());
        }
        eprintln!("CSV export of {stored} rows, once");
        let server = self.launcher.start(&dir)?;
        let cookie = server.log_in().await?;
        let started = Instant::now();
        let (bytes, lines) = stream_export(server.addr, &cookie).await?;
        let elapsed = started.elapsed().as_secs_f64();
        let (_, peak) = server.memory_mb()?;
        ensure!(lines == stored + 1, "the export had {lines} lines for {stored} rows");
        eprintln!("  {elapsed:.2} s, {:.0} MB, server peak RSS {peak:.1} MB", bytes as f64 / 1e6);
        let stored_text = crate::report::number(stored as f64);
        Ok(vec![Row::new(
            &format!("streamed CSV export, {stored_text} rows: time (server peak RSS in notes)"),
            elapsed,
            None,
            "s",
            Goal::None,
            format!(
                "one run; {:.0} MB of CSV; server peak RSS {peak:.1} MB: memory does not grow \
                 with the export",
                bytes as f64 / 1e6
            ),
        )])
    }

    /// Resident memory of a server just started on an empty database.
    async fn idle(&self) -> anyhow::Result<Vec<Row>> {
        eprintln!("idle RSS");
        let mut rss = Vec::new();
        for rep in 0..self.reps {
            let (server, _dir) = self.start("idle")?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (now, _) = server.memory_mb()?;
            eprintln!("  idle #{rep}: {now:.1} MB");
            rss.push(now);
        }
        Ok(vec![Row::new(
            "server idle RSS after start",
            median(&rss),
            None,
            "MB",
            Goal::AtMost(50.0),
            "VmRSS 0.5 s after start, empty database".into(),
        )])
    }
}

/// `GET /api/v1/forms` with the current ETag: answered 304 from memory.
async fn not_modified_requests(addr: SocketAddr) -> anyhow::Result<MakeRequest> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let response = sender.send_request(get(addr, "/api/v1/forms")).await?;
    let etag = response.headers().get(hyper::header::ETAG).context("no ETag on the forms")?.clone();
    Ok(Arc::new(move |_| {
        let mut request = get(addr, "/api/v1/forms");
        request.headers_mut().insert(hyper::header::IF_NONE_MATCH, etag.clone());
        request
    }))
}

/// The runs of the ingest measures, repetition by repetition.
#[derive(Default)]
struct IngestRuns {
    baseline: Summary,
    one: Summary,
    many: Summary,
    open: Summary,
    floor: Summary,
    floor_one: Summary,
    /// The server's peak resident memory under 64 connections, MB.
    many_rss: Vec<f64>,
}

impl IngestRuns {
    /// The ingest rows; `seconds` is the length of a closed-loop run.
    fn rows(&self, seconds: Duration) -> Vec<Row> {
        let (b, one, many, open) = (&self.baseline, &self.one, &self.many, &self.open);
        let (floor, floor_one, many_rss) = (&self.floor, &self.floor_one, &self.many_rss);
        vec![
            Row::new(
                "durable ingest, 1 connection (2 KB POST, validated, fsync before answer)",
                one.rate(),
                Some(b.rate()),
                "req/s",
                Goal::RatioAtLeast(0.7),
                format!(
                    "ours p50 {:.2} ms / p99 {:.2} ms; baseline (raw rusqlite, one row a \
                     transaction, WAL + synchronous=FULL, same disk) p50 {:.2} ms / p99 {:.2} \
                     ms; {}",
                    one.p50(),
                    one.p99(),
                    b.p50(),
                    b.p99(),
                    one.paired(b)
                ),
            ),
            Row::new(
                "durable ingest with group commit, 64 connections",
                many.rate(),
                Some(b.rate()),
                "req/s",
                Goal::RatioAndAtLeast(0.7, 5000.0),
                format!(
                    "closed loop; p50 {:.2} ms, p99 {:.2} ms; baseline = single-row \
                     transactions; {}; server peak RSS {:.0} MB",
                    many.p50(),
                    many.p99(),
                    many.paired(b),
                    median(many_rss)
                ),
            ),
            Row::new(
                "group commit p99 at a fixed 1,000 req/s (open loop)",
                open.p99(),
                None,
                "ms",
                Goal::AtMost(20.0),
                format!(
                    "p50 {:.2} ms, p95 {:.2} ms; latency from when each request was due; {} s \
                     runs, up to 64 connections",
                    open.p50(),
                    open.p95(),
                    seconds.as_secs() * 2
                ),
            ),
            Row::new(
                "floor: p99 of a request without disk (GET /api/v1/forms, 304) at 1,000 req/s",
                floor.p99(),
                None,
                "ms",
                Goal::None,
                format!(
                    "p50 {:.2} ms, p95 {:.2} ms; the same open loop on the same server: the tail \
                     that scheduling on this shared machine adds by itself",
                    floor.p50(),
                    floor.p95()
                ),
            ),
            Row::new(
                "floor: a round trip without disk (GET /api/v1/forms, 304), 1 connection",
                floor_one.rate(),
                None,
                "req/s",
                Goal::None,
                format!(
                    "p50 {:.3} ms, p99 {:.3} ms; closed loop: the HTTP round trip (client, \
                     loopback, server) that every ingest request pays and the raw baseline \
                     does not",
                    floor_one.p50(),
                    floor_one.p99()
                ),
            ),
        ]
    }
}

fn ingest_requests(addr: SocketAddr, bodies: &Arc<Bodies>) -> MakeRequest {
    let bodies = Arc::clone(bodies);
    Arc::new(move |n| post(addr, "/api/v1/submissions", bodies.one(n)))
}

/// Sends one batch and checks that every item was stored, so that a refused batch can
/// never pass for a fast one.
async fn check_batch(addr: SocketAddr, bodies: &Bodies) -> anyhow::Result<()> {
    let make: MakeRequest = {
        let body = bodies.batch(0, 100);
        Arc::new(move |_| post(addr, "/api/v1/submissions/batch", body.clone()))
    };
    let mut sender = load::sequential(addr, 1, make, StatusCode::OK).await?;
    ensure!(sender.failures == 0, "a batch failed: {:?}", sender.first_failure.take());
    Ok(())
}

/// Row `n` of a pseudo-random walk over `rows` rows (the same in every run).
fn spread(n: u64, rows: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) % rows
}

/// The `n`-th list request: a third unfiltered, a third by district, a third by district
/// and form; nine in ten start at a random depth.
fn list_query(seeded: &Seeded, n: u64) -> String {
    let row = spread(n, seeded.rows);
    let district = adal_core::District::ALL[(row % 13) as usize].code();
    let mut query = match n % 3 {
        0 => "/api/v1/staff/submissions?limit=50".to_owned(),
        1 => format!("/api/v1/staff/submissions?limit=50&district={district}"),
        _ => format!("/api/v1/staff/submissions?limit=50&district={district}&form=complaint"),
    };
    if !n.is_multiple_of(10) {
        let at = adal_server::db::clock::format_time(seeded.received_at(row)).unwrap_or_default();
        query.push_str(&format!("&after={at}_{}", Seeded::id(row)));
    }
    query
}

/// Downloads the export as it streams; returns its size and number of lines.
async fn stream_export(addr: SocketAddr, cookie: &str) -> anyhow::Result<(u64, u64)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let response = sender.send_request(staff_get(addr, cookie, "/api/v1/staff/export.csv")).await?;
    ensure!(response.status() == StatusCode::OK, "export: {}", response.status());
    let mut body = response.into_body();
    let (mut bytes, mut lines) = (0u64, 0u64);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            bytes += data.len() as u64;
            lines += data.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    Ok((bytes, lines))
}
