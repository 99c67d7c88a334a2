//! `rex forecast` and `rex report …`: the flags as [`ops::report`]'s input, the rows printed,
//! and `--exit-status`.

use super::Ctx;
use crate::cli::{Period, Scope, Window, WinsBy};
use crate::clock::DateSpec;
use crate::error::{Error, Result};
use crate::ops::report as ops;

impl From<Period> for ops::Period {
    fn from(p: Period) -> ops::Period {
        match p {
            Period::Month => ops::Period::Month,
            Period::Quarter => ops::Period::Quarter,
        }
    }
}

impl From<WinsBy> for ops::WinsBy {
    fn from(by: WinsBy) -> ops::WinsBy {
        match by {
            WinsBy::Owner => ops::WinsBy::Owner,
            WinsBy::Pipeline => ops::WinsBy::Pipeline,
            WinsBy::Month => ops::WinsBy::Month,
            WinsBy::Quarter => ops::WinsBy::Quarter,
        }
    }
}

impl From<Scope> for ops::Scope {
    fn from(s: Scope) -> ops::Scope {
        ops::Scope {
            pipeline: s.pipeline,
            owner: s.owner,
        }
    }
}

/// The window's dates, resolved against the command's clock.
fn window(ctx: &Ctx, w: Window) -> Result<ops::Window> {
    let day = |d: Option<DateSpec>| d.map(|d| d.resolve(&ctx.clock)).transpose();
    Ok(ops::Window {
        since: day(w.since)?,
        until: day(w.until)?,
    })
}

pub fn forecast(ctx: &mut Ctx, scope: Scope, by: Period, periods: u32) -> Result<()> {
    let (clock, scope, by) = (ctx.clock, scope.into(), by.into());
    let rows = ctx
        .store
        .read(|tx| ops::forecast(tx, &clock, &scope, by, periods))?;
    ctx.out.list(rows)
}

pub fn wins(
    ctx: &mut Ctx,
    scope: Scope,
    window: Window,
    by: Option<WinsBy>,
    exit_status: bool,
) -> Result<()> {
    let (clock, scope, by) = (ctx.clock, scope.into(), by.map(Into::into));
    let window = self::window(ctx, window)?;
    let rows = ctx
        .store
        .read(|tx| ops::wins(tx, &clock, &scope, &window, by))?;
    listed(ctx, rows, exit_status)
}

pub fn stages(
    ctx: &mut Ctx,
    pipeline: Option<&str>,
    since: Option<DateSpec>,
    exit_status: bool,
) -> Result<()> {
    let since = since.map(|d| d.resolve(&ctx.clock)).transpose()?;
    let rows = ctx.store.read(|tx| ops::funnel(tx, pipeline, since))?;
    listed(ctx, rows, exit_status)
}

pub fn lost_reasons(ctx: &mut Ctx, scope: Scope, window: Window, exit_status: bool) -> Result<()> {
    let (clock, scope) = (ctx.clock, scope.into());
    let window = self::window(ctx, window)?;
    let rows = ctx
        .store
        .read(|tx| ops::lost_reasons(tx, &clock, &scope, &window))?;
    listed(ctx, rows, exit_status)
}

/// Prints the rows; with `--exit-status`, none is exit 1.
fn listed<R: crate::output::Record>(ctx: &mut Ctx, rows: Vec<R>, exit_status: bool) -> Result<()> {
    let printed = rows.len();
    ctx.out.list(rows)?;
    if exit_status && printed == 0 {
        return Err(Error::Silent(crate::error::code::FAILURE));
    }
    Ok(())
}
