//! `rex token …`: API tokens for `rex serve` (see [`crate::ops::token`]).

use super::Ctx;
use crate::cli::TokenCommand;
use crate::error::{Error, Result};

pub fn run(_ctx: &mut Ctx, _cmd: TokenCommand) -> Result<()> {
    Err(Error::Failed("rex token is not built yet".into()))
}
