//! HTTPS served by the server itself: a throwaway CA and its leaves, made with rcgen, and
//! clients that trust that CA alone.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use adal_server::tls::TlsConfig;
use adal_server::{Application, Config};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose, SerialNumber,
};
use reqwest::StatusCode;
use reqwest::tls::TlsInfo;
use tempfile::TempDir;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// The name the test certificates are for; clients resolve it to 127.0.0.1.
pub const HOST: &str = "adal.test";

/// A throwaway certificate authority.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
}

/// A certificate the [`TestCa`] issued, with its key.
pub struct Leaf {
    /// The leaf and then the CA, as a server sends its chain.
    pub chain_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "Adal throwaway test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf for `adal.test`, localhost and 127.0.0.1 with its own key and `serial`.
    pub fn leaf(&self, serial: u64) -> Leaf {
        let names = [HOST, "localhost", "127.0.0.1"].map(str::to_owned).to_vec();
        let mut params = CertificateParams::new(names).unwrap();
        params.serial_number = Some(SerialNumber::from(serial));
        params.distinguished_name.push(DnType::CommonName, HOST);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            chain_pem: format!("{}{}", cert.pem(), self.cert.pem()),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }
}

/// A client that trusts `root_pem` alone, finds `adal.test` at `address`, reports the
/// certificate it was shown and follows no redirect.
pub fn client_trusting(root_pem: &str, address: SocketAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(root_pem.as_bytes()).unwrap())
        .tls_info(true)
        .resolve(HOST, address)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The leaf certificate a response's connection was shown.
pub fn served_cert(response: &reqwest::Response) -> Vec<u8> {
    let info = response.extensions().get::<TlsInfo>().expect("an HTTPS response");
    info.peer_certificate().expect("a server certificate").to_vec()
}

/// A server with `--tls-cert`/`--tls-key` (looked at every 100 ms) and `--http-redirect`.
struct TlsApp {
    port: u16,
    redirect: SocketAddr,
    cert: PathBuf,
    key: PathBuf,
    _dirs: (TempDir, TempDir, TempDir),
    shutdown: Option<oneshot::Sender<()>>,
}

impl TlsApp {
    async fn start(leaf: &Leaf, configure: impl FnOnce(&mut Config)) -> TlsApp {
        let (data, static_dir, certs) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let (cert, key) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
        write_pair(&cert, &key, leaf);
        let mut config = Config::new(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            data.path().to_owned(),
            static_dir.path().to_owned(),
        );
        config.tls = Some(TlsConfig::Files {
            cert: cert.clone(),
            key: key.clone(),
            reload_every: Duration::from_millis(100),
        });
        config.http_redirect = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        configure(&mut config);
        let app = Application::build(config).await.expect("the application builds");
        assert_eq!(app.scheme(), "https");
        let (port, redirect) = (app.port(), app.redirect_addr().expect("a redirect listener"));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        TlsApp {
            port,
            redirect,
            cert,
            key,
            _dirs: (data, static_dir, certs),
            shutdown: Some(shutdown),
        }
    }

    fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn url(&self, path: &str) -> String {
        format!("https://{HOST}:{}{path}", self.port)
    }
}

impl Drop for TlsApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Writes the pair the way a renewal tool does: each file replaced whole by a rename.
fn write_pair(cert: &Path, key: &Path, leaf: &Leaf) {
    for (path, pem) in [(cert, &leaf.chain_pem), (key, &leaf.key_pem)] {
        let fresh = path.with_extension("new");
        std::fs::write(&fresh, pem).unwrap();
        std::fs::rename(&fresh, path).unwrap();
    }
}

/// Asks for health on a new connection until it is shown `expected`, or fails after 5 s.
async fn wait_for_cert(ca: &TestCa, app: &TlsApp, expected: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let fresh = client_trusting(&ca.pem(), app.address());
        let response = fresh.get(app.url("/api/v1/health")).send().await.unwrap();
        if served_cert(&response) == expected {
            return;
        }
        assert!(Instant::now() < deadline, "the new certificate was never served");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn health_over_https_answers_with_hsts_under_a_certificate_of_the_trusted_ca() {
    let ca = TestCa::new();
    let leaf = ca.leaf(1);
    let app = TlsApp::start(&leaf, |_| {}).await;
    let client = client_trusting(&ca.pem(), app.address());

    let response = client.get(app.url("/api/v1/health")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(served_cert(&response), leaf.der);
    let hsts = response.headers()["strict-transport-security"].to_str().unwrap();
    let max_age: u64 = hsts.strip_prefix("max-age=").unwrap().parse().unwrap();
    assert!(max_age >= 365 * 24 * 3600, "{hsts}");
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_is_refused_the_handshake() {
    let ca = TestCa::new();
    let app = TlsApp::start(&ca.leaf(1), |_| {}).await;
    let stranger = client_trusting(&TestCa::new().pem(), app.address());

    let answer = stranger.get(app.url("/api/v1/health")).send().await;

    assert!(answer.is_err(), "a certificate of an unknown CA was accepted");
}

#[tokio::test]
async fn plain_http_on_the_redirect_port_is_sent_to_https_with_308() {
    let ca = TestCa::new();
    let app = TlsApp::start(&ca.leaf(1), |_| {}).await;
    let client = client_trusting(&ca.pem(), app.address());

    let url = format!("http://{HOST}:{}/receipt/URA-2026-00042?lang=kk", app.redirect.port());
    let response = reqwest::Client::builder()
        .no_proxy()
        .resolve(HOST, app.redirect)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location, app.url("/receipt/URA-2026-00042?lang=kk"));
    assert!(response.headers().get("strict-transport-security").is_none());
    // And the address it names answers.
    let followed = client.get(app.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(followed.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_renewed_pair_is_served_to_new_connections_and_an_open_one_keeps_working() {
    let ca = TestCa::new();
    let (old, new) = (ca.leaf(1), ca.leaf(2));
    let app = TlsApp::start(&old, |_| {}).await;
    let kept_alive = client_trusting(&ca.pem(), app.address());
    let before = kept_alive.get(app.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(served_cert(&before), old.der);
    before.bytes().await.unwrap();

    write_pair(&app.cert, &app.key, &new);
    wait_for_cert(&ca, &app, &new.der).await;

    // The connection opened before the renewal is still the one in use, and still works.
    let after = kept_alive.get(app.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_eq!(served_cert(&after), old.der, "the open connection was replaced");
}

#[tokio::test]
async fn a_garbage_or_mismatched_new_pair_is_refused_and_the_old_one_kept() {
    let ca = TestCa::new();
    let (old, other) = (ca.leaf(1), ca.leaf(2));
    let app = TlsApp::start(&old, |_| {}).await;

    // A certificate with someone else's key, then files that are not PEM at all.
    let mismatched = Leaf { key_pem: other.key_pem.clone(), ..ca.leaf(3) };
    let garbage = Leaf {
        chain_pem: "not a certificate\n".into(),
        key_pem: "not a key\n".into(),
        der: Vec::new(),
    };
    for bad in [mismatched, garbage] {
        write_pair(&app.cert, &app.key, &bad);
        // Several looks at the files later.
        tokio::time::sleep(Duration::from_millis(500)).await;

        let client = client_trusting(&ca.pem(), app.address());
        let response = client.get(app.url("/api/v1/health")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(served_cert(&response), old.der);
    }

    // A good pair after the bad ones is taken.
    write_pair(&app.cert, &app.key, &other);
    wait_for_cert(&ca, &app, &other.der).await;
}

#[tokio::test]
async fn a_client_that_never_finishes_the_tls_handshake_is_disconnected() {
    let ca = TestCa::new();
    let app = TlsApp::start(&ca.leaf(1), |config| {
        config.header_read_timeout = Duration::from_millis(300)
    })
    .await;
    let mut stream = TcpStream::connect(app.address()).await.unwrap();
    let started = Instant::now();

    // Not a byte of a ClientHello.
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await;

    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "the silent client still holds its connection");
    assert!(started.elapsed() >= Duration::from_millis(250), "closed only after the timeout");
}

#[tokio::test]
async fn a_redirect_without_https_is_refused_at_start() {
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        data.path().to_owned(),
        data.path().join("dist"),
    );
    config.http_redirect = Some(SocketAddr::from(([127, 0, 0, 1], 0)));

    let error = Application::build(config).await.err().expect("the start is refused");

    assert!(format!("{error:#}").contains("--http-redirect needs HTTPS"), "{error:#}");
}

#[tokio::test]
async fn a_key_that_does_not_match_its_certificate_is_refused_at_start() {
    let ca = TestCa::new();
    let certs = tempfile::tempdir().unwrap();
    let (cert, key) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
    write_pair(&cert, &key, &Leaf { key_pem: ca.leaf(2).key_pem, ..ca.leaf(1) });
    let mut config = Config::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        certs.path().to_owned(),
        certs.path().join("dist"),
    );
    config.tls = Some(TlsConfig::Files { cert, key, reload_every: Duration::from_secs(5) });

    let error = Application::build(config).await.err().expect("the start is refused");

    assert!(format!("{error:#}").contains("are not a pair"), "{error:#}");
}
