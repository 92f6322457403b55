//! `adal-server`: flags in, [`adal_server::Application`] out.

use std::io::Write;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use adal_core::District;
use adal_core::receipt::EventKind;
use adal_core::staff::Role;
use adal_server::routes::staff::LoginLimits;
use adal_server::{
    Application, Config, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
    DEFAULT_LOGIN_FAILURES_PER_ADDRESS_AND_LOGIN, DEFAULT_LOGIN_FAILURES_PER_IP,
    DEFAULT_LOGIN_FAILURES_PER_LOGIN, DEFAULT_MAX_CONNECTIONS_PER_IP,
    DEFAULT_MAX_UNFINISHED_UPLOAD_BYTES_PER_IP, DEFAULT_MAX_UNFINISHED_UPLOADS_PER_IP,
    DEFAULT_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT_PER_SECOND, DEFAULT_STAFF_RATE_LIMIT_BURST,
    DEFAULT_STAFF_RATE_LIMIT_PER_SECOND, DEFAULT_UPLOAD_EXPIRY,
};
use anyhow::Context;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use ipnet::IpNet;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
    /// How log lines are written to stderr: `text` for a person at a terminal, `json`
    /// (one object a line, with the request's id in its span) for a log collector in
    /// production. The level comes from RUST_LOG (default `info`).
    #[arg(long, env = "ADAL_LOG_FORMAT", default_value = "text", global = true, value_enum)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(Box<ServeArgs>),
    /// Print every stored submission to stdout as JSON lines.
    Export(ExportArgs),
    /// Import or export the provider directory as CSV.
    #[command(subcommand)]
    Directory(DirectoryCommand),
    /// Work on stored submissions.
    #[command(subcommand)]
    Submissions(SubmissionsCommand),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent backup (the database and every attachment, with a manifest of
    /// SHA-256 sums) to one file; safe while the server runs and takes writes.
    Backup(BackupArgs),
    /// Restore a backup into a new data directory, after checking every part of it.
    Restore(RestoreArgs),
    /// Verify a data directory: the database's integrity and foreign keys, and every
    /// attachment against its SHA-256. Exits 1 and says what is wrong if anything is.
    Check(CheckArgs),
    /// Run the database's pending migrations (the server also does at start-up), or with
    /// --dry-run list them without running them.
    Migrate(MigrateArgs),
}

#[derive(Args)]
struct MigrateArgs {
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// Only list what would run.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct BackupArgs {
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The backup file to write (written under a temporary name, then renamed).
    #[arg(long, value_name = "FILE")]
    to: PathBuf,
    /// The server's attachments URL: a backup refuses a bucket (`s3://…`), whose photos
    /// it cannot copy.
    #[arg(long, env = "ADAL_ATTACHMENTS_URL", value_name = "URL")]
    attachments_url: Option<String>,
}

#[derive(Args)]
struct CheckArgs {
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The server's attachments URL: a check refuses a bucket (`s3://…`), whose photos
    /// it cannot read.
    #[arg(long, env = "ADAL_ATTACHMENTS_URL", value_name = "URL")]
    attachments_url: Option<String>,
}

#[derive(Args)]
struct RestoreArgs {
    /// A file `adal-server backup` wrote.
    file: PathBuf,
    /// A new (or empty) directory to restore into.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account (the first administrator, for one). The password is read
    /// from the first line of standard input, never from a flag, so that it stays out of
    /// the shell's history and the process list.
    Add(UserAddArgs),
}

#[derive(Args)]
struct UserAddArgs {
    /// volunteer, office_staff, mediator, curator, front_office or administrator.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// District code (URA, TER, …); required for every role but front_office and
    /// administrator, refused for those two.
    #[arg(long, value_parser = parse_district, value_name = "CODE")]
    district: Option<District>,
    /// Lowercase a-z, 0-9, '.', '_', '-'; 3 to 64 characters.
    #[arg(long)]
    login: String,
    /// Directory of the database, created if missing.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
}

/// The database that `--data` and `--database` name.
fn location(data: &std::path::Path, database: &Option<String>) -> adal_server::db::Location {
    adal_server::db::Location::of(data, database.as_deref())
}

/// Refuses `command` on a PostgreSQL database: it copies or reads the SQLite file.
fn sqlite_only(command: &str, database: &Option<String>) -> anyhow::Result<()> {
    if database.is_some() {
        anyhow::bail!(
            "`adal-server {command}` works on the SQLite file of a data directory; a \
             PostgreSQL database is backed up and checked with PostgreSQL's own tools \
             (pg_dump, pg_restore, pg_amcheck; see README, Backups)"
        );
    }
    Ok(())
}

fn parse_role(raw: &str) -> Result<Role, String> {
    raw.parse().map_err(|_| {
        let roles: Vec<_> = Role::ALL.into_iter().map(Role::as_str).collect();
        format!("one of: {}", roles.join(", "))
    })
}

fn parse_district(raw: &str) -> Result<District, String> {
    District::from_code(raw).ok_or_else(|| {
        let codes: Vec<_> = District::ALL.into_iter().map(District::code).collect();
        format!("one of: {}", codes.join(", "))
    })
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Add or update providers from a CSV file, matched by id. Every row is checked
    /// first: one invalid row and nothing is imported. A file with real (not sample)
    /// entries also deletes the sample entries it does not list.
    Import(DirectoryImportArgs),
    /// Print every provider to stdout as CSV, in the format `import` reads.
    Export(ExportArgs),
}

#[derive(Args)]
struct DirectoryImportArgs {
    /// The CSV file (UTF-8, with a header line); `-` reads standard input.
    #[arg(value_name = "FILE.csv")]
    file: PathBuf,
    /// Directory of the database, created if missing.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// The file is the whole directory: delete the providers it does not list.
    #[arg(long)]
    replace: bool,
}

#[derive(Subcommand)]
enum SubmissionsCommand {
    /// Append an event to a submission's status timeline and print it as JSON.
    Event(EventArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// A TOML file of these flags' settings, each key a flag's long name
    /// (`listen = "0.0.0.0:8080"`, `behind-proxy = ["127.0.0.1/32"]`); a flag or an
    /// environment variable still overrides the file.
    #[arg(long, env = "ADAL_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, env = "ADAL_LISTEN", default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// Serve Prometheus metrics at /metrics on this address (keep it private, e.g.
    /// 127.0.0.1:9100); off when not given, and never on --listen.
    #[arg(long, env = "ADAL_METRICS_LISTEN", value_name = "ADDR:PORT")]
    metrics_listen: Option<SocketAddr>,
    /// Directory for the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
    /// Directory of the built web app.
    #[arg(long, env = "ADAL_STATIC", default_value = "./dist", value_name = "DIR")]
    static_dir: PathBuf,
    /// Submissions per second each client IP address regains after its burst.
    #[arg(long, env = "ADAL_RATE_LIMIT_PER_SECOND", default_value_t = DEFAULT_RATE_LIMIT_PER_SECOND)]
    rate_limit_per_second: NonZeroU32,
    /// Submissions a client IP address may send at once.
    #[arg(long, env = "ADAL_RATE_LIMIT_BURST", default_value_t = DEFAULT_RATE_LIMIT_BURST)]
    rate_limit_burst: NonZeroU32,
    /// Where attachments go: `s3://bucket/prefix` (needs the `s3` build feature and the
    /// usual AWS_* variables); by default a directory `attachments` in the data directory.
    #[arg(long, env = "ADAL_ATTACHMENTS_URL", value_name = "URL")]
    attachments_url: Option<String>,
    /// Trusted reverse proxies (networks such as 127.0.0.1/32 or 10.0.0.0/8, or single
    /// addresses): only from them are X-Forwarded-For and X-Forwarded-Proto believed, so
    /// that the limits see the real client. Without it those headers are ignored.
    #[arg(long, env = "ADAL_BEHIND_PROXY", value_name = "CIDR", num_args = 1.., value_delimiter = ',', value_parser = parse_network)]
    behind_proxy: Vec<IpNet>,
    /// Seconds a client has to send a request's headers (and an idle keep-alive
    /// connection stays open).
    #[arg(long, env = "ADAL_HEADER_READ_TIMEOUT_S", default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs(), value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    header_read_timeout_s: u64,
    /// Seconds a request body may send nothing before the request is answered 408.
    #[arg(long, env = "ADAL_BODY_READ_TIMEOUT_S", default_value_t = DEFAULT_BODY_READ_TIMEOUT.as_secs(), value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    body_read_timeout_s: u64,
    /// Connections one client address may hold at once (trusted proxies are exempt).
    #[arg(long, env = "ADAL_MAX_CONNECTIONS_PER_IP", default_value_t = DEFAULT_MAX_CONNECTIONS_PER_IP)]
    max_connections_per_ip: usize,
    /// Staff requests per second each client address regains after its burst.
    #[arg(long, env = "ADAL_STAFF_RATE_LIMIT_PER_SECOND", default_value_t = DEFAULT_STAFF_RATE_LIMIT_PER_SECOND)]
    staff_rate_limit_per_second: NonZeroU32,
    /// Staff requests a client address may send at once.
    #[arg(long, env = "ADAL_STAFF_RATE_LIMIT_BURST", default_value_t = DEFAULT_STAFF_RATE_LIMIT_BURST)]
    staff_rate_limit_burst: NonZeroU32,
    /// Failed staff logins a client address may have at once (one regained every 6 s).
    #[arg(long, env = "ADAL_LOGIN_FAILURES_PER_IP", default_value_t = DEFAULT_LOGIN_FAILURES_PER_IP)]
    login_failures_per_ip: NonZeroU32,
    /// Failed logins of one login from one address at once (one regained a minute).
    #[arg(long, env = "ADAL_LOGIN_FAILURES_PER_ADDRESS_AND_LOGIN", default_value_t = DEFAULT_LOGIN_FAILURES_PER_ADDRESS_AND_LOGIN)]
    login_failures_per_address_and_login: NonZeroU32,
    /// Failed logins of one login from all addresses at once (one regained every 36 s);
    /// refuses only addresses that failed for it themselves.
    #[arg(long, env = "ADAL_LOGIN_FAILURES_PER_LOGIN", default_value_t = DEFAULT_LOGIN_FAILURES_PER_LOGIN)]
    login_failures_per_login: NonZeroU32,
    /// Days after its last part an unfinished photo upload is deleted.
    #[arg(long, env = "ADAL_UPLOAD_EXPIRY_DAYS", default_value_t = DEFAULT_UPLOAD_EXPIRY.as_secs() / 86_400, value_name = "DAYS", value_parser = clap::value_parser!(u64).range(1..))]
    upload_expiry_days: u64,
    /// Unfinished photo uploads one client address may hold.
    #[arg(long, env = "ADAL_MAX_UNFINISHED_UPLOADS_PER_IP", default_value_t = DEFAULT_MAX_UNFINISHED_UPLOADS_PER_IP)]
    max_unfinished_uploads_per_ip: usize,
    /// MiB of unfinished photo uploads one client address may hold.
    #[arg(long, env = "ADAL_MAX_UNFINISHED_UPLOAD_MIB_PER_IP", default_value_t = DEFAULT_MAX_UNFINISHED_UPLOAD_BYTES_PER_IP / (1024 * 1024), value_name = "MIB")]
    max_unfinished_upload_mib_per_ip: u64,
    #[command(flatten)]
    tls: TlsArgs,
}

/// HTTPS on the server itself.
#[derive(Args)]
struct TlsArgs {
    /// Serve HTTPS with this PEM certificate chain (leaf first); needs --tls-key. Both
    /// files are re-read when they change: a renewal needs no restart.
    #[arg(
        long,
        env = "ADAL_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key",
        conflicts_with = "acme"
    )]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, env = "ADAL_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve HTTPS with a certificate for these names, obtained and renewed from an ACME
    /// CA (TLS-ALPN-01: the CA must reach --listen on port 443); cached in DATA/acme.
    #[arg(long, env = "ADAL_ACME", value_name = "DOMAIN", num_args = 1.., value_delimiter = ',')]
    acme: Vec<String>,
    /// The ACME directory URL.
    #[arg(long, env = "ADAL_ACME_DIR", value_name = "URL", default_value = adal_server::tls::LETS_ENCRYPT_DIRECTORY)]
    acme_dir: String,
    /// Contact address for the ACME account (expiry notices).
    #[arg(long, env = "ADAL_ACME_EMAIL", value_name = "ADDR")]
    acme_email: Option<String>,
    /// A PEM root certificate to trust for the ACME directory's own HTTPS instead of the
    /// public roots (a private CA, or a test one).
    #[arg(long, env = "ADAL_ACME_DIR_CA", value_name = "FILE")]
    acme_dir_ca: Option<PathBuf>,
    /// Also listen for plain HTTP here and redirect every request to HTTPS (308).
    #[arg(long, env = "ADAL_HTTP_REDIRECT", value_name = "ADDR:PORT")]
    http_redirect: Option<SocketAddr>,
}

impl TlsArgs {
    fn config(self) -> Option<adal_server::tls::TlsConfig> {
        use adal_server::tls::{AcmeSettings, DEFAULT_RELOAD_INTERVAL, TlsConfig};
        if let (Some(cert), Some(key)) = (self.tls_cert, self.tls_key) {
            return Some(TlsConfig::Files { cert, key, reload_every: DEFAULT_RELOAD_INTERVAL });
        }
        if self.acme.is_empty() {
            return None;
        }
        Some(TlsConfig::Acme(AcmeSettings {
            domains: self.acme,
            directory: self.acme_dir,
            email: self.acme_email,
            directory_ca: self.acme_dir_ca,
        }))
    }
}

/// A network (`10.0.0.0/8`) or a single address (`127.0.0.1`).
fn parse_network(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| "a network such as 10.0.0.0/8, or an address".to_owned())
}

#[derive(Args)]
struct ExportArgs {
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
}

#[derive(Args)]
struct EventArgs {
    /// Tracking number, e.g. URA-2026-00042.
    tracking: String,
    /// received and identity_added are written by the server itself.
    #[arg(value_parser = parse_kind)]
    kind: EventKind,
    /// Public text for the sender; for `answered`, the public answer.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// A PostgreSQL database (`postgres://user@host/name`) instead of the SQLite file
    /// in --data.
    #[arg(long, env = "ADAL_DATABASE", value_name = "URL")]
    database: Option<String>,
}

fn parse_kind(raw: &str) -> Result<EventKind, String> {
    raw.parse().map_err(|_| {
        let kinds: Vec<_> = EventKind::ALL
            .into_iter()
            .filter(|k| k.is_recorded_by_staff())
            .map(EventKind::as_str)
            .collect();
        format!("one of: {}", kinds.join(", "))
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = with_config_file(Cli::parse());
    init_logs(cli.log_format);
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(*args).await,
        Some(command) => run_once(command),
    }
}

/// Logs go to stderr: stdout carries the start-up line and `export`'s output.
fn init_logs(format: LogFormat) {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal, none in a file or the journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => logs.init(),
        // The request's span (its id, method and path) on every line, not the span list.
        LogFormat::Json => logs.json().with_current_span(true).with_span_list(false).init(),
    }
}

/// A command that does its work and ends, rather than serving.
fn run_once(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Export(args) => {
            let count = adal_server::export(
                location(&args.data, &args.database),
                std::io::stdout().lock(),
            )?;
            tracing::info!(count, "exported submissions");
            Ok(())
        }
        Command::Directory(command) => directory(command),
        Command::Backup(args) => backup(args),
        Command::Restore(args) => restore(args),
        Command::Migrate(args) => migrate(args),
        Command::Check(args) => check(args),
        Command::Submissions(SubmissionsCommand::Event(args)) => {
            let event = adal_server::record_event(
                location(&args.data, &args.database),
                &args.tracking,
                args.kind,
                args.note.as_deref(),
            )?;
            let mut stdout = std::io::stdout();
            serde_json::to_writer(&mut stdout, &event)?;
            writeln!(stdout)?;
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => add_user(args),
        Command::Serve(_) => unreachable!("`serve` is served by main"),
    }
}

fn backup(args: BackupArgs) -> anyhow::Result<()> {
    adal_server::backup::local_attachments_only(args.attachments_url.as_deref())?;
    sqlite_only("backup", &args.database)?;
    let manifest = adal_server::backup::backup(&args.data, &args.to)?;
    let bytes: u64 = manifest.parts.iter().map(|p| p.size).sum();
    println!(
        "backup written to {}: {} submissions, {} attachments, {bytes} bytes",
        args.to.display(),
        manifest.submissions,
        manifest.parts.len() - 1
    );
    Ok(())
}

fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let manifest = adal_server::backup::restore(&args.file, &args.data)?;
    println!(
        "restored into {}: {} submissions, {} attachments, as of {}",
        args.data.display(),
        manifest.submissions,
        manifest.parts.len() - 1,
        manifest.created_at
    );
    Ok(())
}

fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let location = location(&args.data, &args.database);
    let pending = adal_server::db::pending_migrations_at(&location)?;
    if pending.is_empty() {
        println!("{}: the database is up to date", location.describe());
        return Ok(());
    }
    if args.dry_run {
        println!("would run {} migration(s): {}", pending.len(), pending.join(", "));
        return Ok(());
    }
    adal_server::db::Db::open_at(&location)?;
    println!("ran {} migration(s): {}", pending.len(), pending.join(", "));
    Ok(())
}

fn check(args: CheckArgs) -> anyhow::Result<()> {
    adal_server::backup::local_attachments_only(args.attachments_url.as_deref())?;
    sqlite_only("check", &args.database)?;
    let problems = adal_server::backup::check(&args.data)?;
    if problems.is_empty() {
        println!("{}: the database and every attachment check out", args.data.display());
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    anyhow::bail!("{} problem(s) in {}", problems.len(), args.data.display());
}

/// `user add`: the password is read from stdin, never from the command line.
fn add_user(args: UserAddArgs) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().read_line(&mut password).context("reading the password")?;
    let password = password.trim_end_matches(['\n', '\r']);
    let location = location(&args.data, &args.database);
    adal_server::accounts::add_user(location, &args.login, args.role, args.district, password)?;
    writeln!(std::io::stdout(), "account {} created", args.login)?;
    Ok(())
}

/// Serves until a signal ends it.
async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(config(args)).await?;
    // Scripts and tests wait for this exact line to learn the port.
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}://{}", app.scheme(), app.local_addr())?;
    if let Some(redirect) = app.redirect_addr() {
        writeln!(stdout, "redirecting http://{redirect} to https")?;
    }
    if let Some(metrics) = app.metrics_addr() {
        writeln!(stdout, "metrics on http://{metrics}/metrics")?;
    }
    stdout.flush()?;
    app.run().await
}

/// The server's configuration from its flags (and the file and environment behind them).
fn config(args: ServeArgs) -> Config {
    Config {
        rate_limit_per_second: args.rate_limit_per_second,
        rate_limit_burst: args.rate_limit_burst,
        attachments_url: args.attachments_url,
        trusted_proxies: args.behind_proxy,
        header_read_timeout: Duration::from_secs(args.header_read_timeout_s),
        body_read_timeout: Duration::from_secs(args.body_read_timeout_s),
        max_connections_per_ip: args.max_connections_per_ip,
        staff_rate_limit_per_second: args.staff_rate_limit_per_second,
        staff_rate_limit_burst: args.staff_rate_limit_burst,
        login_limits: LoginLimits {
            failures_per_ip: args.login_failures_per_ip,
            failures_per_address_and_login: args.login_failures_per_address_and_login,
            failures_per_login: args.login_failures_per_login,
        },
        upload_expiry: Duration::from_secs(args.upload_expiry_days.saturating_mul(86_400)),
        max_unfinished_uploads_per_ip: args.max_unfinished_uploads_per_ip,
        max_unfinished_upload_bytes_per_ip: args
            .max_unfinished_upload_mib_per_ip
            .saturating_mul(1024 * 1024),
        metrics_listen: args.metrics_listen,
        http_redirect: args.tls.http_redirect,
        tls: args.tls.config(),
        database: args.database,
        ..Config::new(args.listen, args.data, args.static_dir)
    }
}

/// Parses the command line again with `--config`'s file as the flags' defaults, so that
/// a flag, then an environment variable, then the file, then the built-in default wins.
/// A wrong key or value in the file stops the start with its line, as clap's own usage
/// errors do (exit code 2).
fn with_config_file(cli: Cli) -> Cli {
    let file = match &cli.command {
        Some(Command::Serve(args)) => args.config.clone(),
        None => cli.serve.config.clone(),
        Some(_) => None,
    };
    let Some(file) = file else { return cli };
    let command = adal_server::config_file::apply(Cli::command(), &file).unwrap_or_else(|error| {
        eprintln!("error: {error}");
        std::process::exit(2);
    });
    Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|error| error.exit())
}

fn directory(command: DirectoryCommand) -> anyhow::Result<()> {
    use adal_server::directory;
    match command {
        DirectoryCommand::Import(args) => {
            let report = if args.file.as_os_str() == "-" {
                let location = location(&args.data, &args.database);
                directory::import(location, std::io::stdin().lock(), args.replace)?
            } else {
                let file = std::fs::File::open(&args.file)
                    .with_context(|| format!("opening {}", args.file.display()))?;
                let location = location(&args.data, &args.database);
                directory::import(location, std::io::BufReader::new(file), args.replace)?
            };
            let mut stdout = std::io::stdout();
            writeln!(
                stdout,
                "directory version {}: {} added, {} updated, {} unchanged, {} deleted",
                report.version, report.added, report.updated, report.unchanged, report.deleted
            )?;
            Ok(())
        }
        DirectoryCommand::Export(args) => {
            let location = location(&args.data, &args.database);
            let count = directory::export(location, std::io::stdout().lock())?;
            tracing::info!(count, "exported providers");
            Ok(())
        }
    }
}
