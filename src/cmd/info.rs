//! `rex info`: version, database path, schema version and row counts.

use super::Ctx;
use crate::error::Result;

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let database = ctx.store.shown();
    let backend = ctx.store.backend();
    let exists = ctx.store.exists();
    let info = ctx
        .store
        .read(|tx| crate::ops::database::info(tx, &database, backend, exists))?;
    ctx.out.one(&info)
}
