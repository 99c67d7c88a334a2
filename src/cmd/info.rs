//! `rex info`: version, database path, schema version and row counts.

use super::Ctx;
use crate::error::Result;

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let database = ctx.store.shown();
    let backend = ctx.store.backend();
    let info = ctx
        .store
        .read(|tx| crate::ops::database::info(tx, &database, backend))?;
    ctx.out.one(&info)
}
