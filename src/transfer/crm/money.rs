//! Amounts as CRMs export them: in the file's notation (`48,000.00`, `48.000,00`), with
//! or without a currency symbol, in dollars or another currency at `--rate`; and
//! probabilities as a fraction or a percent.

use super::Translator;
use crate::money::{symbol, Decimal, Notation};

/// How a file writes decimals (`--decimal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    Point,
    Comma,
}

/// An exchange rate: dollars per unit, a plain decimal above 0 (`1.0825`).
pub(super) fn rate(text: &str) -> std::result::Result<Decimal, String> {
    Decimal::parse(text, Notation::Plain)
        .ok()
        .filter(|r| !r.is_zero() && text.trim() == text)
        .ok_or_else(|| format!("'{text}' is not a plain decimal above 0, like 1.0825"))
}

impl Translator {
    /// An amount as exported, in the file's notation (`48,000.00` unless `--decimal` says
    /// otherwise), in `currency` (None: no column says, so dollars). Refused: a symbol of
    /// another currency (or any but `$` where no currency is given), text that reads as two
    /// different amounts in the two notations when the file does not say which it uses.
    pub(super) fn amount(
        &self,
        text: &str,
        currency: Option<&str>,
    ) -> std::result::Result<Decimal, String> {
        let number = match symbol(text) {
            None => text,
            Some((sign, stands_for, rest)) => {
                match currency {
                    None if sign != '$' => {
                        return Err(format!(
                            "the symbol {sign} says a currency but no currency column gives it; add one (like {}) or write the amount without it",
                            stands_for[0]
                        ))
                    }
                    Some(c) if !stands_for.contains(&c) => {
                        return Err(format!("the symbol {sign} is not the row's currency, {c}"))
                    }
                    _ => rest,
                }
            }
        };
        // Dollars keep at most cents; another currency is converted, so may have more.
        let allowed = |d: &Decimal| currency.is_some_and(|c| c != "USD") || d.scale() <= 2;
        let notation = self.notation.unwrap_or(Notation::Point);
        let read = Decimal::parse(number, notation);
        if self.notation.is_none() {
            let other = Decimal::parse(number, Notation::Comma);
            if let (Ok(a), Ok(b)) = (&read, &other) {
                if allowed(a)
                    && allowed(b)
                    && a.rounded(a.scale().max(b.scale())) != b.rounded(a.scale().max(b.scale()))
                {
                    return Err(format!(
                        "it could be {a} or {b}; say how the file writes decimals with --decimal point or --decimal comma"
                    ));
                }
            }
        }
        read.map_err(|e| format!("{e}{}", self.hint(number, usize::MAX)))
    }

    /// What to say after an amount refused in the file's notation that the other reads.
    pub(super) fn hint(&self, text: &str, scale: usize) -> String {
        let (other, flag) = match self.notation {
            Some(Notation::Comma) => (Notation::Point, "point"),
            _ => (Notation::Comma, "comma"),
        };
        let text = symbol(text).map_or(text, |(_, _, rest)| rest);
        match Decimal::parse(text, other) {
            Ok(d) if d.scale() <= scale => {
                format!("; if the file writes decimals with a {flag}, give --decimal {flag}")
            }
            _ => String::new(),
        }
    }

    /// A whole percent from a fraction (`places` = 2: 0.6 is 60) or a percent (`places` =
    /// 0: 60 or 60%), halves up.
    pub(super) fn percent(&self, text: &str, places: usize) -> std::result::Result<i64, String> {
        let t = text.trim().trim_end_matches('%');
        let p = Decimal::parse(t, self.notation.unwrap_or(Notation::Point))
            .ok()
            .and_then(|d| d.rounded(places))
            .ok_or_else(|| format!("'{text}' is not a probability"))?;
        if (0..=100).contains(&p) {
            Ok(p)
        } else {
            Err(format!("'{text}' is not a probability from 0 to 100%"))
        }
    }
}
