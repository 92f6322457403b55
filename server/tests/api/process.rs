//! The real `adal-server` binary as an operator runs it: its own process on a free port,
//! its stdout and stderr captured whole, stopped by a signal. For what only the process
//! shows: the log lines main's subscriber writes, and the exit after SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub const BINARY: &str = env!("CARGO_BIN_EXE_adal-server");

/// A running `adal-server` process.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// Everything the process wrote to stdout and stderr, interleaved by line.
    output: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts the binary on `data` with `RUST_LOG=rust_log` and `args` added, and waits
    /// for its "listening on" line.
    pub fn start(data: &Path, rust_log: &str, args: &[&str]) -> ServerProcess {
        ServerProcess::start_with_env(data, rust_log, args, &[])
    }

    /// [`ServerProcess::start`] with `env` added to the process's environment.
    pub fn start_with_env(
        data: &Path,
        rust_log: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let mut child = Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(["--static-dir"])
            .arg(data.join("no-app-here"))
            .args(args)
            .env("RUST_LOG", rust_log)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        let (lines, first_lines) = mpsc::channel();
        collect(child.stdout.take().unwrap(), Arc::clone(&output), Some(lines));
        collect(child.stderr.take().unwrap(), Arc::clone(&output), None);
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match first_lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(address) = line.strip_prefix("listening on ") {
                        break address.to_owned();
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("no listening line; output:\n{}", output.lock().unwrap());
                }
            }
        };
        ServerProcess { child, address, output }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// What the process wrote so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = Pid::from_raw(self.child.id() as i32);
        kill(pid, Signal::SIGTERM).expect("SIGTERM sent");
    }

    /// Waits at most `limit` for the process to exit.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The readers see end of file now; give them a moment to take the rest.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(Instant::now() < deadline, "still running; output:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, and the exit status.
    pub fn stop(&mut self) -> ExitStatus {
        self.terminate();
        self.wait(Duration::from_secs(30))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Appends each line of `stream` to `output`, and sends it to `lines` if given.
fn collect(
    stream: impl Read + Send + 'static,
    output: Arc<Mutex<String>>,
    lines: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut all = output.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
            drop(all);
            if let Some(lines) = &lines {
                let _ = lines.send(line);
            }
        }
    });
}

/// Runs `adal-server <args>` to its end with `stdin` as input; its exit status, stdout
/// and stderr.
pub fn run(args: &[&str], data: &Path, stdin: &str) -> (ExitStatus, String, String) {
    let mut child = Command::new(BINARY)
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status, text(output.stdout), text(output.stderr))
}
