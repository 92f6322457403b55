//! The real `adal-server` binary as a child process, pinned to its own core.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// The staff token the benchmarks start the server with.
pub const STAFF_TOKEN: &str = "bench-staff-token";

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
}

impl Launcher {
    /// Starts a server on `data` with the durability settings it ships with. The rate
    /// limit is lifted (every request comes from 127.0.0.1) and the staff API is on.
    pub fn start(&self, data: &Path) -> anyhow::Result<Server> {
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
            .args(["--rate-limit-per-second", "1000000", "--rate-limit-burst", "1000000"])
            .env("ADAL_STAFF_TOKEN", STAFF_TOKEN)
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

impl Server {
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
