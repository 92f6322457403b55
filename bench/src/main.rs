//! `adal-bench`: the server half of `scripts/bench`.
//!
//! `adal-bench run` starts the real `adal-server` (pinned to one core) against fresh
//! databases, drives it from the other core, measures raw SQLite baselines on the same
//! disk in the same run, and writes its rows to `target/bench/server.json`.
//! `adal-bench report` merges every part in `target/bench/` into one table and
//! `results.json`. See `bench/README.md` for the row schema.

mod backup;
mod baseline;
mod data;
mod load;
mod measures;
mod report;
mod server;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server benchmarks and write their rows.
    Run(measures::Options),
    /// Merge every `*.json` part of a directory into one table and `results.json`.
    Report {
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
        /// Exit with status 1 when a goal is missed.
        #[arg(long)]
        strict: bool,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Run(options) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the runtime")?;
            runtime.block_on(measures::run(options))
        }
        Command::Report { dir, strict } => {
            let missed = report::merge(&dir)?;
            println!("\nwritten to {}", dir.join("results.json").display());
            if missed > 0 {
                println!("{missed} goal(s) missed");
                if strict {
                    std::process::exit(1);
                }
            }
            Ok(())
        }
    }
}
