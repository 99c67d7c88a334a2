//! `rex serve`: the REST API (see [`crate::serve`]) on the database `--db`/`REX_DB` names,
//! which must exist.

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::error::Result;

pub fn run(db: Option<std::ffi::OsString>, quiet: bool, args: ServeArgs) -> Result<()> {
    let database = crate::settings::database(db)?;
    database.location.check()?;
    if database.location.is_missing() {
        return Err(super::no_database(&database.location, database.chosen));
    }
    let fixed_now = match std::env::var_os(crate::clock::NOW_VAR) {
        Some(_) => Some(crate::settings::clock()?),
        None => None,
    };
    crate::serve::run(crate::serve::Settings {
        location: database.location,
        busy_timeout: crate::settings::busy_timeout()?,
        fixed_now,
        listen: args.listen,
        tls: args.tls_cert.zip(args.tls_key),
        insecure_http: args.insecure_http,
        cors: args.cors,
        open: args.open,
        quiet,
        max_body: args.max_body,
        read_timeout: Duration::from_secs(args.read_timeout),
        request_timeout: Duration::from_secs(args.request_timeout),
        max_concurrent: args.max_concurrent,
    })
}
