//! `--acme` against Debian's pebble, a real ACME server meant for tests, started and
//! stopped here: the server obtains a certificate by TLS-ALPN-01 on its own HTTPS port,
//! serves it, and after a restart serves it again from its cache without asking.
//!
//! pebble resolves names through pebble-challtestsrv (same package), whose DNS answers
//! 127.0.0.1 for every name, so `adal.test` needs no change to the machine.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use adal_server::tls::{AcmeSettings, TlsConfig};
use adal_server::{Application, Config};
use reqwest::StatusCode;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::tls::{HOST, TestCa, client_trusting, served_cert};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(name: &'static str, args: &[&str], log: &Path) -> Running {
    let log = std::fs::File::create(log).unwrap();
    let child = Command::new(name)
        .args(args)
        // pebble waits up to 15 s before each validation and refuses 5 % of nonces at
        // random unless told not to: both only slow a test down.
        .env("PEBBLE_VA_NOSLEEP", "1")
        .env("PEBBLE_WFE_NONCEREJECT", "0")
        // The validation is the point: never let pebble skip it.
        .env_remove("PEBBLE_VA_ALWAYS_VALID")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("starting {name}: {error}"));
    Running(child)
}

async fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "{what} never listened on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The server with `--acme adal.test`, on `data`, until the returned sender fires.
async fn start_app(
    data: &Path,
    settings: &AcmeSettings,
) -> (u16, oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>) {
    let mut config =
        Config::new(SocketAddr::from(([127, 0, 0, 1], 0)), data.to_owned(), data.join("dist"));
    config.tls = Some(TlsConfig::Acme(settings.clone()));
    let app = Application::build(config).await.expect("the application builds");
    let port = app.port();
    let (shutdown, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    (port, shutdown, server)
}

/// Health over HTTPS, trusting only `root`, until it answers; the certificate it showed.
async fn wait_for_https(root: &str, port: u16, logs: &[&Path]) -> Vec<u8> {
    let client = client_trusting(root, SocketAddr::from(([127, 0, 0, 1], port)));
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let url = format!("https://{HOST}:{port}/api/v1/health");
        match client.get(url).send().await {
            Ok(response) if response.status() == StatusCode::OK => return served_cert(&response),
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(250)).await,
            outcome => {
                let logs: Vec<String> = logs
                    .iter()
                    .map(|log| std::fs::read_to_string(log).unwrap_or_default())
                    .collect();
                panic!("no certificate from pebble: {outcome:?}\n{}", logs.join("\n"));
            }
        }
    }
}

#[tokio::test]
async fn a_certificate_is_obtained_from_pebble_served_and_reused_after_a_restart() {
    if Command::new("pebble").arg("-h").output().is_err() {
        eprintln!("SKIPPED: no `pebble` binary (scripts/setup installs Debian's pebble)");
        return;
    }
    let work = TempDir::new().unwrap();
    let data = TempDir::new().unwrap();
    // pebble's own HTTPS certificate, from a throwaway CA the server is told to trust.
    let ca = TestCa::new();
    let leaf = ca.leaf(1);
    let (pebble_cert, pebble_key, ca_file) = (
        work.path().join("pebble.pem"),
        work.path().join("pebble.key"),
        work.path().join("ca.pem"),
    );
    std::fs::write(&pebble_cert, &leaf.chain_pem).unwrap();
    std::fs::write(&pebble_key, &leaf.key_pem).unwrap();
    std::fs::write(&ca_file, ca.pem()).unwrap();

    let (acme_port, management_port, dns_port) = (free_port(), free_port(), free_port());
    let settings = AcmeSettings {
        domains: vec![HOST.to_owned()],
        directory: format!("https://127.0.0.1:{acme_port}/dir"),
        email: Some("it@adal.test".to_owned()),
        directory_ca: Some(ca_file),
    };
    // The server first: its HTTPS port is where pebble sends the TLS-ALPN-01 validation.
    let (port, shutdown, server) = start_app(data.path(), &settings).await;

    let config = serde_json::json!({ "pebble": {
        "listenAddress": format!("127.0.0.1:{acme_port}"),
        "managementListenAddress": format!("127.0.0.1:{management_port}"),
        "certificate": pebble_cert,
        "privateKey": pebble_key,
        "httpPort": free_port(),
        "tlsPort": port,
        "ocspResponderURL": "",
        "externalAccountBindingRequired": false,
    }});
    let config_file = work.path().join("pebble.json");
    std::fs::write(&config_file, config.to_string()).unwrap();
    let (dns_log, pebble_log) = (work.path().join("dns.log"), work.path().join("pebble.log"));
    let dns = format!("127.0.0.1:{dns_port}");
    let challtestsrv_management = format!("127.0.0.1:{}", free_port());
    let dns_server = start(
        "pebble-challtestsrv",
        &[
            "-dns01",
            &dns,
            "-defaultIPv4",
            "127.0.0.1",
            "-defaultIPv6",
            "",
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-management",
            &challtestsrv_management,
        ],
        &dns_log,
    );
    let pebble = start(
        "pebble",
        &["-config", config_file.to_str().unwrap(), "-dnsserver", &dns],
        &pebble_log,
    );
    wait_for_port(acme_port, "pebble").await;
    wait_for_port(management_port, "pebble's management").await;

    // pebble's issuing root, as its management endpoint gives it.
    let root = reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).unwrap())
        .build()
        .unwrap()
        .get(format!("https://127.0.0.1:{management_port}/roots/0"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(root.starts_with("-----BEGIN CERTIFICATE-----"), "{root}");

    let issued = wait_for_https(&root, port, &[&pebble_log, &dns_log]).await;

    // Restarted with pebble gone: the cached certificate is served.
    shutdown.send(()).unwrap();
    server.await.unwrap().expect("the server stops cleanly");
    // Validated for real: pebble connected to our port and saw the challenge answer.
    let pebble_said = std::fs::read_to_string(&pebble_log).unwrap();
    assert!(pebble_said.contains("set VALID by completed challenge"), "{pebble_said}");
    let cached = std::fs::read_dir(data.path().join("acme")).unwrap().count();
    assert!(cached >= 2, "the account and the certificate are cached in DATA/acme");
    drop((pebble, dns_server));
    let (port, shutdown, server) = start_app(data.path(), &settings).await;
    let served = wait_for_https(&root, port, &[&pebble_log]).await;
    assert_eq!(served, issued, "a new certificate instead of the cached one");
    shutdown.send(()).unwrap();
    server.await.unwrap().unwrap();
}
