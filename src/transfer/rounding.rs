//! `--round`: amounts in dollars past the cents, rounded or refused, and counted. Shared by
//! the CRM translation (on the reading thread) and the importer (rex's own
//! `value_dollars`), so that one import counts every amount it rounded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::money::{Cents, Decimal};

/// `--round`: whether dollars with more than cents (`9225.225`) are rounded to the cent,
/// halves up, or refused; and how many were rounded, counted as rows are read (on the
/// reading thread) for the import to say at its end.
#[derive(Debug, Clone, Default)]
pub struct Rounding {
    pub allowed: bool,
    pub count: Arc<AtomicU64>,
}

impl Rounding {
    /// Dollars as cents: exact (zeros past the cents are fine), or past the cents rounded
    /// half up with `--round` and counted; refused without it. (An amount converted at a
    /// rate is rounded by [`Cents::converted`] whatever is given: converting is where
    /// rounding is inherent, and the original amount is kept in metadata.)
    pub fn cents(&self, dollars: &Decimal, text: &str) -> std::result::Result<Cents, String> {
        if !dollars.more_than_cents() {
            return Cents::exact(dollars).map_err(|e| format!("'{text}': {e}"));
        }
        if !self.allowed {
            return Err(format!(
                "'{text}': more than two decimals (cents) is not allowed; give --round to round it to the cent, halves up"
            ));
        }
        let cents = Cents::half_up(dollars).map_err(|e| format!("'{text}': {e}"))?;
        self.count.fetch_add(1, Ordering::SeqCst);
        Ok(cents)
    }

    /// How many amounts were rounded.
    pub fn rounded(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
}
