//! The database itself: what it holds (`info`) and a consistent copy of it (`backup`).

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::{Counts, Store, Tx};
use crate::target_file::TargetFile;

/// rex's version, the database it uses, its schema version and how many records it holds.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseInfo {
    pub version: String,
    pub database: String,
    pub schema_version: i64,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// False before anything created the database file: what it holds is then nothing.
    pub exists: bool,
    /// Activities, done or not (after `exists`: fields are only ever added at the end).
    pub activities: i64,
}

/// What `database` (as shown to people) on `backend` holds; `exists` is false for the
/// empty stand-in of a file not created yet.
pub fn info(tx: &dyn Tx, database: &str, backend: &str, exists: bool) -> Result<DatabaseInfo> {
    Ok(DatabaseInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database: database.to_string(),
        backend: backend.to_string(),
        schema_version: tx.schema_version()?,
        counts: tx.counts()?,
        exists,
        activities: tx.count_all_activities()?,
    })
}

/// Writes a consistent copy of the database to `path`, put in place whole once complete.
pub fn backup(store: &mut Store, path: &Path) -> Result<()> {
    // The database writes the copy itself (SQLite's VACUUM INTO), so the file being written
    // needs a name.
    let target = TargetFile::create(path, false, &store.files())?;
    let written = target.path().ok_or_else(|| {
        Error::Failed(format!(
            "cannot write '{}': no temporary name",
            path.display()
        ))
    })?;
    store.backup_into(written, path)?;
    target.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::pipeline::{create, NewPipeline};
    use crate::ops::testing::{clock, store};
    use crate::store::{Access, Location};

    #[test]
    fn a_backup_is_a_database_holding_what_the_original_held() {
        let (dir, mut store) = store();
        let new = NewPipeline {
            name: "Sales".into(),
            stages: Vec::new(),
            stall_days: 30,
            probabilities: Vec::new(),
        };
        store.write(|tx| create(tx, &clock(), &new)).unwrap();
        let shown = store.shown();
        let held = store.read(|tx| info(tx, &shown, "sqlite", true)).unwrap();
        assert_eq!(
            (held.counts.pipelines, held.counts.stages, held.counts.deals),
            (1, 5, 0)
        );
        assert_eq!(held.version, env!("CARGO_PKG_VERSION"));
        let copy = dir.path().join("copy.db");
        backup(&mut store, &copy).unwrap();
        let location = Location::File(copy);
        let mut copied =
            Store::open(&location, std::time::Duration::from_secs(5), Access::Read).unwrap();
        let again = copied.read(|tx| info(tx, "copy", "sqlite", true)).unwrap();
        assert_eq!(again.counts.stages, 5);
        assert_eq!(again.schema_version, held.schema_version);
        // The database itself is never a backup's target.
        let err = backup(&mut store, &dir.path().join("rex.db")).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::code::USAGE);
    }
}
