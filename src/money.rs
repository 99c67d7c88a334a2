//! Money as integer cents. Parsing and display never touch a float.

use std::fmt;
use std::str::FromStr;

/// An amount of money in cents: `Cents(500000)` is `$5,000.00`. Never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(i64);

const EXAMPLE: &str = "write it like 5000, 5000.50 or $5,000.50";

impl Cents {
    /// The largest amount rex accepts: $10,000,000,000,000.00. Every amount up to it is exact
    /// in any JSON reader (it is below 2^53), and totals are summed wider than i64.
    pub const MAX: Cents = Cents(1_000_000_000_000_000);

    /// Cents from an entered or imported integer: 0 to [`Cents::MAX`].
    pub fn new(cents: i64) -> Result<Self, String> {
        if cents < 0 {
            Err(format!(
                "value {cents} is negative; amounts are 0 or more cents"
            ))
        } else if cents > Self::MAX.0 {
            Err(format!(
                "value {cents} is more than {} cents ({}), the largest amount rex keeps",
                Self::MAX.0,
                Self::MAX
            ))
        } else {
            Ok(Cents(cents))
        }
    }

    /// Cents as stored: a database written before the maximum existed may hold more, and
    /// must still read (never negative: the schema refuses that).
    pub fn stored(cents: i64) -> Result<Self, String> {
        if cents < 0 {
            Err(format!("value {cents} is negative"))
        } else {
            Ok(Cents(cents))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl From<Cents> for i64 {
    fn from(c: Cents) -> i64 {
        c.0
    }
}

/// Formats any number of cents (also totals, which may exceed i64) as `$1,234.56`.
pub fn dollars(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// `num / den` to the nearest whole number, halves up (both non-negative, `den` above 0):
/// how rex rounds money and the ratios it reports.
pub fn round_half_up(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&dollars(self.0 as i128))
    }
}

impl FromStr for Cents {
    type Err = String;

    /// Accepts `5000`, `5000.5`, `5000.50`, `$5,000.00`, `5,000`, `0.99`.
    /// Commas only as thousands separators in groups of three; at most two decimals.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| Err(format!("invalid amount '{text}': {why}; {EXAMPLE}"));
        let s = text.trim();
        if s.is_empty() {
            return bad("it is empty");
        }
        if s.starts_with('-') || s.starts_with("$-") {
            return bad("amounts cannot be negative");
        }
        let s = s.strip_prefix('$').unwrap_or(s);
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        if whole.is_empty() {
            return bad("it has no dollars before the decimal point");
        }
        // Dollars: plain digits, or 1-3 digits followed by groups of `,ddd`.
        let mut dollars: i64 = 0;
        let groups: Vec<&str> = whole.split(',').collect();
        for (i, group) in groups.iter().enumerate() {
            if group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit()) {
                return bad("use only the digits 0-9, an optional leading $, commas between thousands and one decimal point");
            }
            if groups.len() > 1 && ((i == 0 && group.len() > 3) || (i > 0 && group.len() != 3)) {
                return bad("a comma may only separate thousands (groups of three digits)");
            }
            for b in group.bytes() {
                dollars = match dollars
                    .checked_mul(10)
                    .and_then(|d| d.checked_add(i64::from(b - b'0')))
                {
                    Some(d) => d,
                    None => return bad("it is too large"),
                };
            }
        }
        let cents = match frac {
            None => 0,
            Some("") => return bad("it has a decimal point but no cents"),
            Some(f) if !f.bytes().all(|b| b.is_ascii_digit()) => {
                return bad("the cents must be digits")
            }
            Some(f) if f.len() > 2 => return bad("more than two decimals (cents) is not allowed"),
            Some(f) => {
                let n = f
                    .bytes()
                    .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
                if f.len() == 1 {
                    n * 10
                } else {
                    n
                }
            }
        };
        match dollars.checked_mul(100).and_then(|d| d.checked_add(cents)) {
            Some(total) if total <= Self::MAX.0 => Ok(Cents(total)),
            _ => bad(&format!(
                "it is more than {}, the largest amount rex keeps",
                Self::MAX
            )),
        }
    }
}

impl serde::Serialize for Cents {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Result<i64, String> {
        s.parse::<Cents>().map(|c| c.0)
    }

    #[test]
    fn display_matches_the_seed() {
        assert_eq!(Cents(500000).to_string(), "$5,000.00");
        assert_eq!(Cents(9950).to_string(), "$99.50");
        assert_eq!(Cents(100000000).to_string(), "$1,000,000.00");
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(i64::MAX).to_string(), "$92,233,720,368,547,758.07");
        assert_eq!(Cents::MAX.to_string(), "$10,000,000,000,000.00");
        assert_eq!(dollars(-12345), "-$123.45");
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(p("5000"), Ok(500000));
        assert_eq!(p("5000.5"), Ok(500050));
        assert_eq!(p("5000.50"), Ok(500050));
        assert_eq!(p("$5,000.00"), Ok(500000));
        assert_eq!(p("5,000"), Ok(500000));
        assert_eq!(p("$1,000,000.00"), Ok(100000000));
        assert_eq!(p("0.99"), Ok(99));
        assert_eq!(p("$10,000,000,000,000.00"), Ok(Cents::MAX.0));
        assert_eq!(p("10000000000000"), Ok(Cents::MAX.0));
    }

    #[test]
    fn rejects_with_the_bad_text_and_an_example() {
        for bad in [
            "",
            " ",
            "1,00",
            "50,00",
            "1,0000",
            ",100",
            "100,",
            "5.001",
            "-5",
            "$-5",
            "$",
            "abc",
            "1e5",
            "NaN",
            "5.",
            ".5",
            "5..0",
            "1 000",
            "１２",
            "92233720368547758.08",
            "92233720368547758.07",
            "10000000000000.01",
            "999999999999999999999999999999",
            "5.0a",
            "+5",
        ] {
            let err = p(bad).expect_err(bad);
            assert!(err.contains(&format!("'{bad}'")), "{err}");
            assert!(err.contains("5000.50"), "{err}");
        }
        assert!(p("5.001").unwrap_err().contains("more than two decimals"));
        assert!(p("-5").unwrap_err().contains("negative"));
        assert!(p("1,00").unwrap_err().contains("groups of three"));
        assert!(p("10000000000000.01")
            .unwrap_err()
            .contains("more than $10,000,000,000,000.00"));
        assert!(Cents::new(Cents::MAX.0 + 1).is_err());
        assert_eq!(Cents::new(Cents::MAX.0), Ok(Cents::MAX));
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(c in 0i64..=Cents::MAX.0) {
            prop_assert_eq!(Cents(c).to_string().parse::<Cents>(), Ok(Cents(c)));
        }

        #[test]
        fn plain_forms_round_trip(c in 0i64..=Cents::MAX.0) {
            let plain = format!("{}.{:02}", c / 100, c % 100);
            prop_assert_eq!(plain.parse::<Cents>(), Ok(Cents(c)));
        }

        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = s.parse::<Cents>();
        }

        #[test]
        fn parse_never_panics_on_money_like_text(s in "[-$0-9,.]{0,30}") {
            let _ = s.parse::<Cents>();
        }
    }
}
