//! `rex info`: version, database path, schema version and row counts.

use super::Ctx;
use crate::error::Result;
use crate::output::InfoView;

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let database = ctx.store.shown();
    let backend = ctx.store.backend();
    let info = ctx.store.read(|tx| {
        Ok(InfoView {
            version: env!("CARGO_PKG_VERSION").to_string(),
            database: database.clone(),
            backend: backend.to_string(),
            schema_version: tx.schema_version()?,
            counts: tx.counts()?,
        })
    })?;
    ctx.out.one(&info)
}
