//! The PostgreSQL rows (`adal-bench run --postgres URL`, which `scripts/bench` gives a
//! throwaway cluster started with its durable settings): durable ingest, group commit and
//! the batch endpoint against raw inserts with the same driver and durability, throughput
//! with one, two and three servers on one database, and the staff list with a million
//! rows stored. Each measure gets a database of its own, made fresh on that cluster.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use hyper::StatusCode;
use postgres::{Client, NoTls};

use super::{Bench, Bodies, Summary, ingest_requests, list_query, spread, staff_get};
use crate::data::{Seeded, StoredRow, stored_row, today};
use crate::load::{self, MakeRequest, Run};
use crate::report::{Goal, Row};
use crate::server::Server;

/// A cluster the benchmark may create and drop databases on.
pub struct Cluster {
    /// The URL given, whose database is only used to create the others.
    admin: String,
}

impl Cluster {
    /// Checks that the cluster answers and keeps what it commits (`fsync` and
    /// `synchronous_commit` on): a benchmark of a cluster that may lose commits would
    /// compare nothing with the SQLite rows.
    pub fn new(admin: &str) -> anyhow::Result<Cluster> {
        let admin = admin.to_owned();
        let checked = admin.clone();
        blocking(move || {
            let mut client =
                Client::connect(&checked, NoTls).context("connecting to --postgres")?;
            for setting in ["fsync", "synchronous_commit"] {
                let value: String = client.query_one(&format!("SHOW {setting}"), &[])?.get(0);
                ensure!(value == "on", "the benchmark cluster has {setting} = {value}, not on");
            }
            Ok(())
        })?;
        Ok(Cluster { admin })
    }

    /// The URL of an empty database `name` (dropped first if an earlier run left it).
    fn fresh(&self, name: &str) -> anyhow::Result<String> {
        let (admin, name) = (self.admin.clone(), name.to_owned());
        blocking(move || {
            let mut client = Client::connect(&admin, NoTls)?;
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
            client.batch_execute(&format!("CREATE DATABASE {name}"))?;
            Ok(with_database(&admin, &name))
        })
    }

    /// The URL of database `name` if it exists.
    fn existing(&self, name: &str) -> anyhow::Result<Option<String>> {
        let (admin, name) = (self.admin.clone(), name.to_owned());
        blocking(move || {
            let mut client = Client::connect(&admin, NoTls)?;
            let found =
                client.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])?;
            Ok(found.map(|_| with_database(&admin, &name)))
        })
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rsplit_once('/') {
        Some((host, _)) if host.contains("//") && !host.ends_with('/') => host,
        _ => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs `f` on a plain thread: the blocking client starts a runtime of its own, which it
/// may not do on one of tokio's threads.
fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<R> + Send + 'static,
) -> anyhow::Result<R> {
    std::thread::spawn(f).join().map_err(|_| anyhow::anyhow!("a PostgreSQL thread panicked"))?
}

impl Bench {
    /// A server on database `url` (the data directory still holds its static files and
    /// logs); `pinned` keeps it on the server's core like the SQLite measures.
    fn start_on(&self, url: &str, name: &str, pinned: bool) -> anyhow::Result<Server> {
        let dir = super::fresh(&self.work, name)?;
        let mut launcher = self.launcher.clone();
        launcher.stores = vec!["--database".into(), url.into()];
        if !pinned {
            launcher.core = None;
        }
        launcher.start(&dir)
    }

    /// A fresh database with the server's schema: the server made it (its migrations run
    /// at start-up) and was stopped.
    fn migrated(&self, cluster: &Cluster, name: &str) -> anyhow::Result<String> {
        let url = cluster.fresh(name)?;
        drop(self.start_on(&url, &format!("{name}-migrate"), true)?);
        Ok(url)
    }

    /// Raw inserts with the blocking driver on the server's core, `per_transaction` rows a
    /// transaction, for the run's seconds.
    async fn pg_baseline(
        &self,
        cluster: &Cluster,
        per_transaction: usize,
        capacity: usize,
    ) -> anyhow::Result<Run> {
        let url = self.migrated(cluster, "bench_baseline")?;
        let (core, seconds) = (self.server_core, self.seconds);
        blocking(move || {
            if let Some(id) = core {
                core_affinity::set_for_current(core_affinity::CoreId { id });
            }
            insert(&url, per_transaction, seconds, capacity)
        })
    }

    pub async fn postgres(&self, cluster: &Cluster, stored: u64) -> anyhow::Result<Vec<Row>> {
        let mut rows = self.pg_ingest(cluster).await?;
        rows.extend(self.pg_batch(cluster).await?);
        rows.extend(self.pg_servers(cluster).await?);
        rows.extend(self.pg_read(cluster, stored).await?);
        Ok(rows)
    }

    async fn pg_ingest(&self, cluster: &Cluster) -> anyhow::Result<Vec<Row>> {
        eprintln!("PostgreSQL: durable ingest");
        let bodies = Arc::new(Bodies::new(self.today)?);
        let (mut baseline, mut one, mut many, mut open) =
            (Summary::default(), Summary::default(), Summary::default(), Summary::default());
        for rep in 0..self.reps {
            let run = self.pg_baseline(cluster, 1, 200_000).await?;
            baseline.add(run, &format!("PostgreSQL baseline single-row transactions #{rep}"))?;
            for (connections, summary) in [(1, &mut one), (64, &mut many)] {
                let url = cluster.fresh("bench_ingest")?;
                let server = self.start_on(&url, "pg-ingest", true)?;
                let run = self.ingest_closed(server.addr, connections, &bodies).await?;
                summary
                    .add(run, &format!("PostgreSQL ingest, {connections} connection(s) #{rep}"))?;
            }
            let url = cluster.fresh("bench_ingest")?;
            let server = self.start_on(&url, "pg-ingest", true)?;
            let run = self.ingest_open(server.addr, &bodies).await?;
            open.add(run, &format!("PostgreSQL ingest, open loop 1,000/s #{rep}"))?;
        }
        Ok(ingest_rows(&baseline, &one, &many, &open))
    }

    async fn pg_batch(&self, cluster: &Cluster) -> anyhow::Result<Vec<Row>> {
        eprintln!("PostgreSQL: batched sync (100 a request)");
        let bodies = Arc::new(Bodies::new(self.today)?);
        let (mut baseline, mut ours) = (Summary::default(), Summary::default());
        for rep in 0..self.reps {
            let run = self.pg_baseline(cluster, 100, 1_000_000).await?;
            baseline.add(run, &format!("PostgreSQL baseline 100-row transactions #{rep}"))?;
            let url = cluster.fresh("bench_batch")?;
            let server = self.start_on(&url, "pg-batch", true)?;
            let run = self.batch_load(server.addr, &bodies).await?;
            ours.add(run, &format!("PostgreSQL batch endpoint, 4 connections #{rep}"))?;
        }
        Ok(vec![Row::new(
            "PostgreSQL: batched sync endpoint, 100 submissions a request",
            ours.rate() * 100.0,
            Some(baseline.rate() * 100.0),
            "records/s",
            Goal::RatioAtLeast(0.5),
            format!(
                "4 connections; request p50 {:.1} ms, p99 {:.1} ms; baseline = raw \
                 rust-postgres, 100 rows a transaction, same durability and disk; {}",
                ours.p50(),
                ours.p99(),
                ours.paired(&baseline)
            ),
        )])
    }

    /// 64 connections spread over one, two and three servers on one database. The
    /// servers are not pinned: with them, PostgreSQL and the load on one machine, this
    /// shows what one database takes, not how far more machines would go.
    async fn pg_servers(&self, cluster: &Cluster) -> anyhow::Result<Vec<Row>> {
        eprintln!("PostgreSQL: 1, 2 and 3 servers on one database");
        let bodies = Arc::new(Bodies::new(self.today)?);
        let mut by_count = [Summary::default(), Summary::default(), Summary::default()];
        for rep in 0..self.reps {
            for (i, summary) in by_count.iter_mut().enumerate() {
                let url = cluster.fresh("bench_servers")?;
                let servers: Vec<Server> = (0..=i)
                    .map(|s| self.start_on(&url, &format!("pg-servers-{s}"), false))
                    .collect::<Result<_, _>>()?;
                let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
                let make = ingest_requests(addrs[0], &bodies);
                let run =
                    load::closed_loop_over(&addrs, 64, self.seconds, make, StatusCode::CREATED)
                        .await?;
                summary
                    .add(run, &format!("PostgreSQL, {} server(s), 64 connections #{rep}", i + 1))?;
            }
        }
        let one = by_count[0].rate();
        Ok(by_count
            .iter()
            .enumerate()
            .map(|(i, summary)| {
                Row::new(
                    &format!("PostgreSQL: ingest with {} server(s) on one database", i + 1),
                    summary.rate(),
                    (i > 0).then_some(one),
                    "req/s",
                    Goal::None,
                    format!(
                        "64 connections spread over the servers; p50 {:.2} ms, p99 {:.2} ms; \
                         baseline = one server; all on this one machine's cores",
                        summary.p50(),
                        summary.p99()
                    ),
                )
            })
            .collect())
    }

    async fn pg_read(&self, cluster: &Cluster, stored: u64) -> anyhow::Result<Vec<Row>> {
        let name = format!("bench_seed_{stored}");
        eprintln!("PostgreSQL: list and single record, {stored} stored (database {name})");
        let started = Instant::now();
        let url = match cluster.existing(&name)? {
            Some(url) if seeded_rows(&url)? == Some(stored) => url,
            _ => {
                let url = self.migrated(cluster, &name)?;
                let seeding = url.clone();
                blocking(move || seed(&seeding, stored))?;
                let dir = super::fresh(&self.work, "pg-account")?;
                let mut launcher = self.launcher.clone();
                launcher.stores = vec!["--database".into(), url.clone()];
                launcher.add_staff_account(&dir)?;
                url
            }
        };
        eprintln!("  ready in {:.1} s", started.elapsed().as_secs_f64());
        let seeded = Arc::new(Seeded { rows: stored, start: seed_start() });
        let server = self.start_on(&url, "pg-read", true)?;
        let addr = server.addr;
        let cookie: Arc<str> = server.log_in().await?.into();
        let list: MakeRequest = {
            let (seeded, cookie) = (Arc::clone(&seeded), Arc::clone(&cookie));
            Arc::new(move |n| staff_get(addr, &cookie, &list_query(&seeded, n)))
        };
        let single: MakeRequest = {
            let (seeded, cookie) = (Arc::clone(&seeded), Arc::clone(&cookie));
            Arc::new(move |n| {
                let row = spread(n, seeded.rows);
                staff_get(
                    addr,
                    &cookie,
                    &format!("/api/v1/staff/submissions/{}", seeded.tracking(row)),
                )
            })
        };
        load::sequential(addr, 50, Arc::clone(&list), StatusCode::OK).await?;
        let (mut lists, mut singles) = (Summary::default(), Summary::default());
        for rep in 0..self.reps {
            let run = load::sequential(addr, 1000, Arc::clone(&list), StatusCode::OK).await?;
            lists.add(run, &format!("PostgreSQL list page #{rep}"))?;
            let run = load::sequential(addr, 1000, Arc::clone(&single), StatusCode::OK).await?;
            singles.add(run, &format!("PostgreSQL single record #{rep}"))?;
        }
        let stored_text = crate::report::number(stored as f64);
        Ok(vec![
            Row::new(
                &format!("PostgreSQL: staff list page (50 rows), {stored_text} stored: p95"),
                lists.p95(),
                None,
                "ms",
                Goal::AtMost(50.0),
                format!(
                    "p50 {:.2} ms, p99 {:.2} ms; 1,000 pages a repetition, a third by district, a \
                     third by district and form, nine in ten deep (keyset)",
                    lists.p50(),
                    lists.p99()
                ),
            ),
            Row::new(
                &format!(
                    "PostgreSQL: staff single record by tracking number, {stored_text} stored: p95"
                ),
                singles.p95(),
                None,
                "ms",
                Goal::AtMost(50.0),
                format!("p50 {:.2} ms, p99 {:.2} ms", singles.p50(), singles.p99()),
            ),
        ])
    }
}

/// The PostgreSQL ingest rows, from the runs of the baseline (`b`), one and 64
/// connections and the open loop.
fn ingest_rows(b: &Summary, one: &Summary, many: &Summary, open: &Summary) -> Vec<Row> {
    let driver = "raw rust-postgres (the server's driver), one row a transaction, \
                  synchronous_commit and fsync on, same disk";
    vec![
        Row::new(
            "PostgreSQL: durable ingest, 1 connection (2 KB POST, committed before answer)",
            one.rate(),
            Some(b.rate()),
            "req/s",
            Goal::RatioAtLeast(0.7),
            format!(
                "ours p50 {:.2} ms / p99 {:.2} ms; baseline ({driver}) p50 {:.2} ms / p99 \
                 {:.2} ms; {}",
                one.p50(),
                one.p99(),
                b.p50(),
                b.p99(),
                one.paired(b)
            ),
        ),
        Row::new(
            "PostgreSQL: durable ingest with group commit, 64 connections",
            many.rate(),
            Some(b.rate()),
            "req/s",
            Goal::RatioAndAtLeast(0.7, 5000.0),
            format!(
                "closed loop; p50 {:.2} ms, p99 {:.2} ms; baseline = single-row \
                 transactions; {}",
                many.p50(),
                many.p99(),
                many.paired(b)
            ),
        ),
        Row::new(
            "PostgreSQL: group commit p99 at a fixed 1,000 req/s (open loop)",
            open.p99(),
            None,
            "ms",
            Goal::AtMost(20.0),
            format!(
                "p50 {:.2} ms, p95 {:.2} ms; latency from when each request was due",
                open.p50(),
                open.p95()
            ),
        ),
    ]
}

/// Where the seeded rows start, as for SQLite (`data::seed`).
fn seed_start() -> time::OffsetDateTime {
    time::macros::datetime!(2026-01-05 04:00 UTC)
}

/// How many rows a seeded database holds (`None` when it was never finished).
fn seeded_rows(url: &str) -> anyhow::Result<Option<u64>> {
    let url = url.to_owned();
    blocking(move || {
        let mut client = Client::connect(&url, NoTls)?;
        let done = client.query_opt("SELECT rows FROM bench_seeded WHERE rows > 0", &[]);
        Ok(done.ok().flatten().map(|row| row.get::<_, i64>(0) as u64))
    })
}

/// `rows` submissions like `data::seed`'s (same ids, tracking numbers and times, a
/// receipt and a `received` event each), copied in with `COPY … FROM STDIN (FORMAT csv)`.
fn seed(url: &str, rows: u64) -> anyhow::Result<()> {
    use std::io::Write;
    let mut client = Client::connect(url, NoTls)?;
    let start = seed_start();
    let seeded = Seeded { rows, start };
    let templates: Vec<StoredRow> = (0..52)
        .map(|n| stored_row(n, today(), start, super::READ_DESCRIPTION))
        .collect::<Result<_, _>>()?;
    let forms = ["complaint", "complaint", "complaint", "mediation_request", "monitoring_school"];
    let copy = |client: &mut Client, sql: &str, line: &dyn Fn(u64) -> anyhow::Result<String>| {
        let mut writer = client.copy_in(sql)?;
        for n in 0..rows {
            writer.write_all(line(n)?.as_bytes())?;
        }
        writer.finish()?;
        anyhow::Ok(())
    };
    let time_of = |n| adal_server::db::clock::format_time(seeded.received_at(n));
    copy(
        &mut client,
        "COPY submissions (id, fingerprint, form_id, form_version, district, tracking, answers, \
         received_at) FROM STDIN (FORMAT csv)",
        &|n| {
            let template = &templates[(n % templates.len() as u64) as usize];
            let form = forms[(n % forms.len() as u64) as usize];
            Ok(format!(
                "{},{:064x},{form},{},{},{},{},{}\n",
                Seeded::id(n),
                u128::from(n),
                if form == "complaint" { 2 } else { 1 },
                template.district,
                seeded.tracking(n),
                csv_field(&template.answers),
                time_of(n)?,
            ))
        },
    )?;
    copy(
        &mut client,
        "COPY receipts (submission_id, secret_sha256, anonymous) FROM STDIN (FORMAT csv)",
        &|n| Ok(format!("{},{:064x},0\n", Seeded::id(n), u128::from(n) << 1)),
    )?;
    copy(
        &mut client,
        "COPY submission_events (submission_id, kind, at) FROM STDIN (FORMAT csv)",
        &|n| Ok(format!("{},received,{}\n", Seeded::id(n), time_of(n)?)),
    )?;
    client.batch_execute(
        "INSERT INTO tracking_counters (district, year, next) \
         SELECT district, CAST(substr(tracking, 5, 4) AS BIGINT), \
                MAX(CAST(substr(tracking, 10) AS BIGINT)) + 1 \
         FROM submissions GROUP BY district, substr(tracking, 5, 4) \
         ON CONFLICT (district, year) DO UPDATE SET next = EXCLUDED.next",
    )?;
    // Autovacuum would have analysed tables this size long before a million rows were
    // reached in service; here they arrived at once.
    client.batch_execute("ANALYZE")?;
    client.batch_execute(&format!(
        "CREATE TABLE bench_seeded (rows BIGINT NOT NULL); INSERT INTO bench_seeded VALUES ({rows})"
    ))?;
    Ok(())
}

/// A CSV field, quoted.
fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Inserts rows with the blocking driver in transactions of `per_transaction` rows for
/// `duration`, as `baseline::insert` does on SQLite; latencies are whole transactions.
fn insert(
    url: &str,
    per_transaction: usize,
    duration: Duration,
    capacity: usize,
) -> anyhow::Result<Run> {
    let mut client = Client::connect(url, NoTls)?;
    // The rows `baseline::insert` inserts on SQLite, made before the clock starts.
    let crate::baseline::Rows { templates, keys } = crate::baseline::Rows::new(capacity)?;
    let statement = client.prepare(
        "INSERT INTO submissions \
         (id, fingerprint, form_id, form_version, district, tracking, answers, received_at) \
         VALUES ($1, $2, 'complaint', 2, $3, $4, $5, $6)",
    )?;
    let mut run = Run::default();
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < duration && n + per_transaction <= keys.len() {
        let began = Instant::now();
        let mut tx = client.transaction()?;
        for _ in 0..per_transaction {
            let template = &templates[n % templates.len()];
            let (id, tracking, fingerprint) = &keys[n];
            tx.execute(
                &statement,
                &[
                    id,
                    fingerprint,
                    &template.district,
                    tracking,
                    &template.answers,
                    &template.received_at,
                ],
            )
            .context("baseline insert")?;
            n += 1;
        }
        tx.commit()?;
        run.latencies_us.push(began.elapsed().as_micros() as u64);
    }
    run.elapsed = started.elapsed();
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_name_replaces_the_one_in_the_url() {
        let url = "postgres://adal@127.0.0.1:5433/adal";
        assert_eq!(with_database(url, "bench_x"), "postgres://adal@127.0.0.1:5433/bench_x");
        let url = "postgres://adal@127.0.0.1:5433/adal?sslmode=disable";
        assert_eq!(with_database(url, "b"), "postgres://adal@127.0.0.1:5433/b?sslmode=disable");
        assert_eq!(with_database("postgres://adal@h:1", "b"), "postgres://adal@h:1/b");
    }

    #[test]
    fn a_csv_field_keeps_quotes_commas_and_newlines() {
        assert_eq!(csv_field(r#"{"a":"x, \"y\"\n"}"#), r#""{""a"":""x, \""y\""\n""}""#);
    }
}
