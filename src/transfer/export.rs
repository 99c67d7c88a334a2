//! `rex export`: the whole database (or its deals, or its pipelines) in the API shape that
//! `rex import` reads back, streamed from one read transaction. The whole database carries
//! each deal's activities and history as records of their own; `--deals` is the deals alone.

use crate::error::Result;
use crate::output::{Exported, Printer};
use crate::record::Deal;
use crate::store::Tx;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    All,
    Deals,
    Pipelines,
}

/// Writes the records of `what` to `printer`: as CSV (`csv`), deals or pipelines, one kind
/// of record; else as records of every kind in the API shape (JSON Lines or JSON), each
/// pipeline before the deals, and the deals before their activities (by id) and history,
/// which an import needs their deal for.
pub fn write(tx: &dyn Tx, printer: &mut Printer, what: What, csv: bool) -> Result<()> {
    if csv {
        if what == What::Deals {
            let mut rows = printer.rows::<Deal>();
            tx.for_each_deal_stored(&mut |d| rows.push(d))?;
            rows.finish()?;
        } else {
            printer.list(tx.pipelines_by_age()?)?;
        }
        return Ok(());
    }
    let mut rows = printer.rows::<Exported>();
    if what != What::Deals {
        for p in tx.pipelines_by_age()? {
            rows.push(Exported::Pipeline(p))?;
        }
    }
    if what != What::Pipelines {
        tx.for_each_deal_stored(&mut |d| rows.push(Exported::Deal(Box::new(d))))?;
    }
    if what == What::All {
        tx.for_each_activity_stored(&mut |a| rows.push(Exported::Activity(Box::new(a))))?;
        tx.for_each_event_raw(&mut |e| rows.push(Exported::Event(e)))?;
    }
    rows.finish()?;
    Ok(())
}
