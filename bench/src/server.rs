//! The real `adal-server` binary as a child process, pinned to its own core.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};

/// The staff account the read measures log in with: front office, which reads every
/// district. Created with `adal-server user add`, as an operator would.
pub const STAFF_LOGIN: &str = "bench-front-office";
const STAFF_PASSWORD: &str = "a long benchmark password";

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

/// How to start servers: which binary, on which core.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub binary: PathBuf,
    /// The core the server runs on (with `taskset`), when the machine has two or more.
    pub core: Option<usize>,
    /// Where the servers' logs go.
    pub log: PathBuf,
    /// Arguments choosing another database (`--database postgres://…`); none: SQLite in
    /// the data directory.
    pub stores: Vec<String>,
}

impl Launcher {
    /// Starts a server on `data` with the durability settings it ships with. The rate
    /// limit is lifted (every request comes from 127.0.0.1), and the data directory has
    /// the staff account [`STAFF_LOGIN`] (see [`Server::log_in`]); another database
    /// gets it from [`Launcher::add_staff_account`] where a measure needs it.
    pub fn start(&self, data: &Path) -> anyhow::Result<Server> {
        if self.stores.is_empty() {
            self.add_staff_account(data)?;
        }
        let mut command = match self.core {
            Some(core) => {
                let mut taskset = Command::new("taskset");
                taskset.arg("-c").arg(core.to_string()).arg(&self.binary);
                taskset
            }
            None => Command::new(&self.binary),
        };
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log)?;
        command
            .args(["--listen", "127.0.0.1:0"])
            // No web app: the API alone is measured.
            .arg("--static-dir")
            .arg(data.join("no-app"))
            .arg("--data")
            .arg(data)
            .args(&self.stores)
            .args(["--rate-limit-per-second", "1000000", "--rate-limit-burst", "1000000"])
            // Every load connection comes from this one address.
            .args(["--max-connections-per-ip", "1000000"])
            .args(["--staff-rate-limit-per-second", "1000000"])
            .args(["--staff-rate-limit-burst", "1000000"])
            .env_remove("ADAL_LISTEN")
            .env_remove("ADAL_DATA")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        let mut child =
            command.spawn().with_context(|| format!("starting {}", self.binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) = line.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            bail!("the server did not start (see {}): {line:?}", self.log.display());
        };
        let addr = url.parse().with_context(|| format!("address {url:?}"))?;
        Ok(Server { child, addr })
    }
}

impl Launcher {
    /// `adal-server user add` (the password on standard input), once per data directory
    /// (and database).
    pub fn add_staff_account(&self, data: &Path) -> anyhow::Result<()> {
        let marker = data.join("bench-staff-account");
        if marker.is_file() {
            return Ok(());
        }
        let mut child = Command::new(&self.binary)
            .args(["user", "add", "--role", "front_office", "--login", STAFF_LOGIN, "--data"])
            .arg(data)
            .args(&self.stores)
            .env_remove("ADAL_DATA")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} user add", self.binary.display()))?;
        let mut stdin = child.stdin.take().context("no stdin")?;
        writeln!(stdin, "{STAFF_PASSWORD}")?;
        drop(stdin);
        ensure!(child.wait()?.success(), "adal-server user add failed");
        std::fs::write(marker, b"")?;
        Ok(())
    }
}

impl Server {
    /// Logs [`STAFF_LOGIN`] in through `POST /api/v1/staff/login`; returns the session
    /// cookie (`name=value`) to send with staff requests. Reads need no CSRF token.
    pub async fn log_in(&self) -> anyhow::Result<String> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let body = serde_json::json!({ "login": STAFF_LOGIN, "password": STAFF_PASSWORD });
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/staff/login")
            .header(hyper::header::HOST, self.addr.to_string())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.to_string())))?;
        let response = sender.send_request(request).await?;
        ensure!(response.status() == StatusCode::OK, "staff login: {}", response.status());
        let cookie = response
            .headers()
            .get(hyper::header::SET_COOKIE)
            .context("no session cookie")?
            .to_str()?
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned();
        // Read the body to the end, so that the connection closes cleanly.
        let _ = response.into_body().collect().await?;
        Ok(cookie)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `(VmRSS, VmHWM)` in MB: resident memory now, and its peak since the start.
    pub fn memory_mb(&self) -> anyhow::Result<(f64, f64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> anyhow::Result<f64> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .with_context(|| format!("no {name} in /proc/<pid>/status"))?;
            let kb: f64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("unreadable {line:?}"))?;
            Ok(kb / 1024.0)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
