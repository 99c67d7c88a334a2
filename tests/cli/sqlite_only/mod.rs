//! Tests about SQLite itself: its file, its locks, its staged imports, its backups, and
//! rows written into it behind rex's back. The suite's PostgreSQL run leaves this module
//! out by its path (see [`crate::server`]); `team::` has PostgreSQL's own versions of them.

mod backup;
mod database;
mod reliability;
mod staged;
mod staged_activities;
mod stored_values;
