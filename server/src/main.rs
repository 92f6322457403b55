//! `adal-server`: flags in, [`adal_server::Application`] out.

use std::io::Write;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use adal_server::{Application, Config, DEFAULT_RATE_LIMIT_BURST, DEFAULT_RATE_LIMIT_PER_SECOND};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Print every stored submission to stdout as JSON lines.
    Export(ExportArgs),
    /// Import or export the provider directory as CSV.
    #[command(subcommand)]
    Directory(DirectoryCommand),
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
    /// The file is the whole directory: delete the providers it does not list.
    #[arg(long)]
    replace: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, env = "ADAL_LISTEN", default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// Directory for the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
    /// Directory of the built web app.
    #[arg(long, env = "ADAL_STATIC", default_value = "./dist", value_name = "DIR")]
    static_dir: PathBuf,
    /// Submissions per second each client IP address regains after its burst.
    #[arg(long, env = "ADAL_RATE_LIMIT_PER_SECOND", default_value_t = DEFAULT_RATE_LIMIT_PER_SECOND)]
    rate_limit_per_second: NonZeroU32,
    /// Submissions a client IP address may send at once.
    #[arg(long, env = "ADAL_RATE_LIMIT_BURST", default_value_t = DEFAULT_RATE_LIMIT_BURST)]
    rate_limit_burst: NonZeroU32,
    /// Bearer token for the staff read API (/api/v1/staff/...). Without it that API
    /// answers 404. Interim, until staff accounts exist: prefer the environment
    /// variable, as flags show in the process list.
    #[arg(long, env = "ADAL_STAFF_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    staff_token: Option<String>,
}

#[derive(Args)]
struct ExportArgs {
    /// Directory of the database.
    #[arg(long, env = "ADAL_DATA", default_value = "./data", value_name = "DIR")]
    data: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr: stdout carries the start-up line and `export`'s output.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Export(args)) => {
            let count = adal_server::export(&args.data, std::io::stdout().lock())?;
            tracing::info!(count, "exported submissions");
            return Ok(());
        }
        Some(Command::Directory(command)) => return directory(command),
        Some(Command::Serve(args)) => args,
        None => cli.serve,
    };
    let config = Config {
        rate_limit_per_second: args.rate_limit_per_second,
        rate_limit_burst: args.rate_limit_burst,
        staff_token: args.staff_token.filter(|token| !token.is_empty()),
        ..Config::new(args.listen, args.data, args.static_dir)
    };
    let app = Application::build(config).await?;
    // Scripts and tests wait for this exact line to learn the port.
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on http://{}", app.local_addr())?;
    stdout.flush()?;
    app.run().await
}

fn directory(command: DirectoryCommand) -> anyhow::Result<()> {
    use adal_server::directory;
    match command {
        DirectoryCommand::Import(args) => {
            let report = if args.file.as_os_str() == "-" {
                directory::import(&args.data, std::io::stdin().lock(), args.replace)?
            } else {
                let file = std::fs::File::open(&args.file)
                    .with_context(|| format!("opening {}", args.file.display()))?;
                directory::import(&args.data, std::io::BufReader::new(file), args.replace)?
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
            let count = directory::export(&args.data, std::io::stdout().lock())?;
            tracing::info!(count, "exported providers");
            Ok(())
        }
    }
}
