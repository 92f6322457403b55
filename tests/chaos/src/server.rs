//! The real `adal-server` binary as a child process: started on a loopback port with a
//! temporary data directory, killed with SIGKILL (no chance to finish anything) and
//! started again on the same port and data, and finally read back through its own
//! `export` command.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use adal_core::AttachmentRef;
use anyhow::{Context, bail};
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use uuid::Uuid;

/// A supervised server process.
pub struct Server {
    launch: Launch,
    addr: SocketAddr,
    child: Child,
}

/// How a server is started: its binary, data directory, log, and the arguments that
/// choose its database and attachment store (none: SQLite and files in `data`).
#[derive(Debug, Clone)]
pub struct Launch {
    pub bin: PathBuf,
    pub data: PathBuf,
    pub log: PathBuf,
    pub stores: Vec<String>,
}

impl Server {
    /// Starts the server on the first of `ports` (loopback) that is free.
    pub async fn start(
        launch: Launch,
        ports: impl IntoIterator<Item = u16>,
    ) -> anyhow::Result<Server> {
        let mut last_error = anyhow::anyhow!("no port to try");
        for port in ports {
            match spawn(&launch, SocketAddr::from(([127, 0, 0, 1], port))).await {
                Ok((child, addr)) => return Ok(Server { launch, addr, child }),
                Err(e) => last_error = e,
            }
        }
        Err(last_error.context("starting the server"))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// SIGKILL, and wait until the process is gone.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.start_kill().context("sending SIGKILL to the server")?;
        self.child.wait().await.context("waiting for the killed server")?;
        Ok(())
    }

    /// Starts the server again on the same port and data directory. The port was just
    /// freed by the kill; a few tries cover the moment the kernel needs.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        let mut last_error = None;
        for _ in 0..40 {
            match spawn(&self.launch, self.addr).await {
                Ok((child, _)) => {
                    self.child = child;
                    return Ok(());
                }
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no attempt made")))
            .context("restarting the server")
    }
}

async fn spawn(launch: &Launch, listen: SocketAddr) -> anyhow::Result<(Child, SocketAddr)> {
    let Launch { bin, data, log, stores } = launch;
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log)?;
    let mut child = Command::new(bin)
        .arg("--listen")
        .arg(listen.to_string())
        .arg("--data")
        .arg(data)
        .args(stores)
        // No web app: only the API is under test.
        .arg("--static-dir")
        .arg(data.join("no-app"))
        // Every device reaches the server through one proxy, so one address: the
        // limiter would otherwise throttle the whole test.
        .args(["--rate-limit-per-second", "100000", "--rate-limit-burst", "100000"])
        .args(["--max-connections-per-ip", "100000"])
        .args(["--staff-rate-limit-per-second", "100000", "--staff-rate-limit-burst", "100000"])
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
    let addr = match first {
        Ok(Ok(Some(line))) => line
            .strip_prefix("listening on http://")
            .and_then(|addr| addr.trim().parse().ok())
            .with_context(|| format!("unexpected first line {line:?}"))?,
        _ => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            bail!("the server did not say where it listens");
        }
    };
    // Keep reading so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, addr))
}

/// One stored submission, as `adal-server export` prints it (only what is checked).
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: Uuid,
    pub tracking: String,
    /// The stored (normalised) answers; a complaint's photos are under `photos`.
    pub answers: serde_json::Value,
    /// The verified attachments linked to the submission (absent when none).
    #[serde(default)]
    pub attachments: Vec<AttachmentRef>,
}

/// Every row the server holds, read by the server's own `export` command (with the
/// database arguments of `launch`).
pub async fn export(launch: &Launch) -> anyhow::Result<Vec<Row>> {
    let database = launch.stores.iter().position(|arg| arg == "--database");
    let database = database.map(|i| &launch.stores[i..=i + 1]).unwrap_or_default();
    let output = Command::new(&launch.bin)
        .arg("export")
        .arg("--data")
        .arg(&launch.data)
        .args(database)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .context("running adal-server export")?;
    if !output.status.success() {
        bail!("adal-server export failed: {}", output.status);
    }
    let text = String::from_utf8(output.stdout).context("export is not UTF-8")?;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).with_context(|| format!("export line {line:?}")))
        .collect()
}
