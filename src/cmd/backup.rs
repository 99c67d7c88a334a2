//! `rex backup PATH`: a consistent copy of the database, taken while rex keeps working.

use std::path::Path;

use super::Ctx;
use crate::error::{Error, Result};

pub fn run(ctx: &mut Ctx, path: &Path) -> Result<()> {
    if ctx.out.has_fields() {
        return Err(Error::usage(
            "--fields does not apply to backup, which writes a database",
        ));
    }
    crate::ops::database::backup(&mut ctx.store, path)?;
    ctx.out.note(&format!("backed up to {}", path.display()));
    Ok(())
}
