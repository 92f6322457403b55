//! The API integration tests: one binary, each test against its own real server on a
//! free port with its own temporary database.

mod batch;
mod directory;
mod forms;
mod health;
mod helpers;
mod staff;
mod static_files;
mod submissions;
