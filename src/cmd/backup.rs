//! `rex backup PATH`: a consistent copy of the database, taken while rex keeps working.

use std::path::Path;

use super::Ctx;
use crate::error::{Error, Result};
use crate::target_file::TargetFile;

pub fn run(ctx: &mut Ctx, path: &Path) -> Result<()> {
    if ctx.out.has_fields() {
        return Err(Error::usage(
            "--fields does not apply to backup, which writes a database",
        ));
    }
    // The database writes the copy itself (SQLite's VACUUM INTO), so the file being written
    // needs a name.
    let target = TargetFile::create(path, false, &ctx.store.files())?;
    let written = target.path().ok_or_else(|| {
        Error::Failed(format!(
            "cannot write '{}': no temporary name",
            path.display()
        ))
    })?;
    ctx.store.backup_into(written, path)?;
    target.commit()?;
    ctx.out.note(&format!("backed up to {}", path.display()));
    Ok(())
}
