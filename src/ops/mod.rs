//! The core of operations: everything a user can do to deals and pipelines, and the reports,
//! once, in domain types. An operation takes a transaction ([`crate::store::Tx`]) and typed
//! input, applies rex's rules, records history, and returns data or a typed outcome. It reads
//! no environment variable, no terminal and no clap type: the CLI (`cmd/`) and the HTTP
//! server translate to and from it.

pub mod activity;
pub mod board;
pub mod database;
pub mod deal;
pub mod lookup;
pub mod pipeline;
pub mod report;
pub mod team;
pub mod token;
pub mod totals;

#[cfg(test)]
mod testing;
