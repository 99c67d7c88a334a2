//! `rex serve`: the REST API (see [`crate::serve`]).

use crate::cli::ServeArgs;
use crate::error::{Error, Result};

pub fn run(_db: Option<std::ffi::OsString>, _quiet: bool, _args: ServeArgs) -> Result<()> {
    Err(Error::Failed("rex serve is not built yet".into()))
}
