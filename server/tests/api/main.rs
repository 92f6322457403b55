//! The API integration tests: one binary, each test against its own real server on a
//! free port with its own temporary database.

mod acme;
mod attachments;
mod backup;
mod batch;
mod channel;
mod config_file;
mod contract;
mod directory;
mod forms;
mod hardening;
mod health;
mod helpers;
mod law;
mod logs;
mod mediation;
mod metrics;
mod open311;
mod overview;
mod process;
mod receipts;
mod reports;
#[cfg(feature = "s3")]
mod s3;
mod servers;
mod shutdown;
mod staff;
mod staff_read;
mod static_files;
mod submissions;
mod tls;
mod triage;
mod upgrade;
