//! HTTPS on the server itself: rustls with a certificate from files (reloaded when the
//! files change) or from an ACME certificate authority (rustls-acme, TLS-ALPN-01 on the
//! HTTPS port itself).
//!
//! Architecture Invariant: a certificate is looked up once per handshake, through
//! [`ResolvesServerCert`], so replacing it never touches an open connection; a renewal
//! drops nothing. A new pair that cannot be used is logged and the old one kept.
//!
//! Only HTTP/1.1 is offered by ALPN: hyper's HTTP/2 server has no header read or idle
//! timeout, so an HTTP/2 connection would escape the slowloris limits of [`crate::serve`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use futures_util::StreamExt;
use rustls_acme::AcmeConfig;
use rustls_acme::caches::DirCache;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, ServerConfig};

/// The ALPN name of the TLS-ALPN-01 challenge: such a connection only proves to the
/// ACME CA that we hold the name, and carries no HTTP.
pub const ACME_TLS_ALPN: &[u8] = b"acme-tls/1";

/// Let's Encrypt's production directory, the default of `--acme-dir`.
pub const LETS_ENCRYPT_DIRECTORY: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// How often the certificate files are looked at for a change.
pub const DEFAULT_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// Where the certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsConfig {
    /// A PEM certificate chain and its PEM private key, re-read when either file changes.
    Files { cert: PathBuf, key: PathBuf, reload_every: Duration },
    /// Obtained and renewed from an ACME directory; cached in `<data>/acme`.
    Acme(AcmeSettings),
}

/// `--acme DOMAIN… --acme-dir URL --acme-email ADDR --acme-dir-ca FILE`.
#[derive(Debug, Clone)]
pub struct AcmeSettings {
    /// The names on the certificate; the first is its subject.
    pub domains: Vec<String>,
    /// The ACME directory URL.
    pub directory: String,
    /// The account's contact, told of expiring certificates.
    pub email: Option<String>,
    /// A PEM root the ACME directory's own HTTPS certificate chains to, instead of the
    /// public web roots (a private or test CA such as pebble).
    pub directory_ca: Option<PathBuf>,
}

/// The server's half of TLS: what accepts connections, and the task that keeps its
/// certificate fresh (to be driven by [`Tls::keep_fresh`]).
pub struct Tls {
    pub acceptor: TlsAcceptor,
    refresher: Refresher,
}

enum Refresher {
    Files(Arc<FileCert>),
    Acme(Box<rustls_acme::AcmeState<std::io::Error, std::io::Error>>),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(tokio_rustls::rustls::crypto::ring::default_provider())
}

impl Tls {
    /// Loads the certificate pair (failing now if it is unusable), or prepares the ACME
    /// account and order, whose cache lives in `data_dir/acme`.
    pub fn new(config: &TlsConfig, data_dir: &Path) -> anyhow::Result<Tls> {
        let provider = provider();
        let (resolver, refresher, alpn): (Arc<dyn ResolvesServerCert>, _, _) = match config {
            TlsConfig::Files { cert, key, reload_every } => {
                let files = Arc::new(FileCert::load(cert, key, *reload_every, provider.clone())?);
                (files.clone(), Refresher::Files(files), vec![b"http/1.1".to_vec()])
            }
            TlsConfig::Acme(settings) => {
                let state = acme_state(settings, data_dir, provider.clone())?;
                let resolver = state.resolver();
                let alpn = vec![b"http/1.1".to_vec(), ACME_TLS_ALPN.to_vec()];
                (resolver, Refresher::Acme(Box::new(state)), alpn)
            }
        };
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("the TLS protocol versions")?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        server.alpn_protocols = alpn;
        Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(server)), refresher })
    }

    /// Runs for ever: re-reads the certificate files when they change, or obtains and
    /// renews the ACME certificate.
    pub async fn keep_fresh(self) {
        match self.refresher {
            Refresher::Files(files) => files.watch().await,
            Refresher::Acme(mut state) => {
                while let Some(event) = state.next().await {
                    match event {
                        Ok(event) => tracing::info!(?event, "acme"),
                        Err(error) => tracing::warn!(?error, "acme"),
                    }
                }
            }
        }
    }
}

fn acme_state(
    settings: &AcmeSettings,
    data_dir: &Path,
    provider: Arc<CryptoProvider>,
) -> anyhow::Result<rustls_acme::AcmeState<std::io::Error, std::io::Error>> {
    if settings.domains.is_empty() {
        anyhow::bail!("--acme needs at least one domain");
    }
    let mut config = AcmeConfig::new_with_provider(&settings.domains, provider.clone());
    if let Some(ca) = &settings.directory_ca {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(ca)
            .with_context(|| format!("reading {}", ca.display()))?
        {
            let cert = cert.with_context(|| format!("reading {}", ca.display()))?;
            roots.add(cert).with_context(|| format!("a certificate in {}", ca.display()))?;
        }
        if roots.is_empty() {
            anyhow::bail!("no certificate in {}", ca.display());
        }
        let client = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("the TLS protocol versions")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config = config.client_tls_config(Arc::new(client));
    }
    let cache = data_dir.join("acme");
    std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let contact = settings.email.iter().map(|email| format!("mailto:{email}"));
    Ok(config.directory(&settings.directory).contact(contact).cache(DirCache::new(cache)).state())
}

/// A certificate pair read from files, swapped in whole when the files change.
struct FileCert {
    cert_path: PathBuf,
    key_path: PathBuf,
    reload_every: Duration,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
}

impl fmt::Debug for FileCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileCert").field("cert", &self.cert_path).finish_non_exhaustive()
    }
}

/// What tells a changed file: its modification time and length.
type Stamp = Option<(SystemTime, u64, SystemTime, u64)>;

impl FileCert {
    fn load(
        cert: &Path,
        key: &Path,
        reload_every: Duration,
        provider: Arc<CryptoProvider>,
    ) -> anyhow::Result<FileCert> {
        let pair = read_pair(cert, key, &provider)?;
        Ok(FileCert {
            cert_path: cert.to_owned(),
            key_path: key.to_owned(),
            reload_every,
            provider,
            current: RwLock::new(Arc::new(pair)),
        })
    }

    fn stamp(&self) -> Stamp {
        let cert = std::fs::metadata(&self.cert_path).ok()?;
        let key = std::fs::metadata(&self.key_path).ok()?;
        Some((cert.modified().ok()?, cert.len(), key.modified().ok()?, key.len()))
    }

    /// Looks at the files every `reload_every`. A renewal tool may write the certificate
    /// and the key a moment apart: the half-written pair is refused (logged) and the old
    /// one served until the files agree again.
    async fn watch(&self) {
        let mut seen = self.stamp();
        let mut every = tokio::time::interval(self.reload_every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let stamp = self.stamp();
            if stamp == seen {
                continue;
            }
            seen = stamp;
            match read_pair(&self.cert_path, &self.key_path, &self.provider) {
                Ok(pair) => {
                    *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(pair);
                    tracing::info!(cert = %self.cert_path.display(), "TLS certificate reloaded");
                }
                Err(error) => tracing::warn!(
                    error = format!("{error:#}"),
                    "the new TLS certificate pair is unusable: still serving the previous one"
                ),
            }
        }
    }
}

impl ResolvesServerCert for FileCert {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(PoisonError::into_inner).clone())
    }
}

/// Reads a PEM chain (leaf first) and its PEM key, and checks that they belong together.
fn read_pair(cert: &Path, key: &Path, provider: &CryptoProvider) -> anyhow::Result<CertifiedKey> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading the certificate {}", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("no certificate in {}", cert.display());
    }
    let key_der = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the private key {}", key.display()))?;
    CertifiedKey::from_der(chain, key_der, provider)
        .with_context(|| format!("{} and {} are not a pair", cert.display(), key.display()))
}

/// The plain-HTTP listener of `--http-redirect`: every request is answered 308 to the
/// same host and path over HTTPS (on `https_port` unless it is 443), so that a typed
/// `adal.example.kz` still reaches the app, and HSTS keeps the browser on HTTPS after.
pub fn redirect_router(https_port: u16) -> axum::Router {
    axum::Router::new().fallback(move |request: axum::extract::Request| async move {
        to_https(&request, https_port)
    })
}

fn to_https(request: &axum::extract::Request, https_port: u16) -> axum::response::Response {
    use axum::http::uri::Authority;
    use axum::response::{IntoResponse, Redirect};
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|host| host.to_str().ok())
        .and_then(|host| host.parse::<Authority>().ok())
        .filter(|authority| authority.as_str().bytes().all(|b| b != b'@'));
    let Some(host) = host else {
        return (axum::http::StatusCode::BAD_REQUEST, "a Host header is needed\n").into_response();
    };
    let authority = match https_port {
        443 => host.host().to_owned(),
        port => format!("{}:{port}", host.host()),
    };
    let path = request.uri().path_and_query().map_or("/", |path| path.as_str());
    Redirect::permanent(&format!("https://{authority}{path}")).into_response()
}
