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

    /// The amount in dollars as a spreadsheet reads a number: two decimals, no `$` and no
    /// separators (`48000.00`, `0.05`), from the cents by integer arithmetic.
    pub fn plain_dollars(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
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
    format!("{sign}${}.{:02}", grouped(abs / 100), abs % 100)
}

/// A whole number with commas between thousands: `1,042`.
pub fn grouped(n: u128) -> String {
    let whole = n.to_string();
    let mut out = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
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
        let amount = Cents::dollars(text)?;
        Cents::exact(&amount).map_err(|why| format!("invalid amount '{text}': {why}; {EXAMPLE}"))
    }
}

impl Cents {
    /// Dollars as people write them (`5000.50`, `$5,000.50`), as a decimal not yet made
    /// cents: the one reading of rex's own amounts, for [`Cents::exact`] or
    /// [`Cents::half_up`] to finish.
    pub fn dollars(text: &str) -> Result<Decimal, String> {
        let bad = |why: &str| format!("invalid amount '{text}': {why}; {EXAMPLE}");
        let s = text.trim();
        if s.is_empty() {
            return Err(bad("it is empty"));
        }
        if s.starts_with('-') || s.starts_with("$-") {
            return Err(bad("amounts cannot be negative"));
        }
        let s = s.strip_prefix('$').unwrap_or(s);
        Decimal::parse(s, Notation::Point).map_err(|why| bad(&why))
    }

    /// An amount of dollars as cents, exactly: zeros past the cents are no decimals
    /// (`179500.00000000`), more significant decimals are refused, never rounded.
    pub fn exact(dollars: &Decimal) -> Result<Cents, String> {
        if dollars.more_than_cents() {
            return Err("more than two decimals (cents) is not allowed".into());
        }
        Self::rounded(dollars)
    }

    /// An amount of dollars to the nearest cent, halves up (away from zero: amounts are
    /// never negative), for an import given `--round`.
    pub fn half_up(dollars: &Decimal) -> Result<Cents, String> {
        Self::rounded(dollars)
    }

    /// An amount in another currency at a rate (dollars per unit), to the nearest cent,
    /// halves up: converting is where rounding to the cent is inherent.
    pub fn converted(amount: &Decimal, rate: &Decimal) -> Result<Cents, String> {
        Self::rounded(&amount.times(rate))
    }

    fn rounded(dollars: &Decimal) -> Result<Cents, String> {
        dollars
            .rounded(2)
            .filter(|c| *c <= Self::MAX.0)
            .map(Cents)
            .ok_or_else(|| {
                format!(
                    "it is more than {}, the largest amount rex keeps",
                    Self::MAX
                )
            })
    }
}

/// How a text writes a decimal number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// Digits and at most one decimal point, nothing else: `1234.56` (rates, probabilities).
    Plain,
    /// A decimal point, commas between thousands: `1,234.56`.
    Point,
    /// A decimal comma, points or spaces between thousands: `1.234,56`, `1 234,56`.
    Comma,
}

impl Notation {
    fn mark(self) -> char {
        match self {
            Notation::Plain | Notation::Point => '.',
            Notation::Comma => ',',
        }
    }

    fn separates_thousands(self, c: char) -> bool {
        match self {
            Notation::Plain => false,
            Notation::Point => c == ',',
            Notation::Comma => matches!(c, '.' | ' ' | '\u{a0}' | '\u{202f}'),
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Notation::Plain => "use only the digits 0-9 and one decimal point",
            Notation::Point => {
                "use only the digits 0-9, commas between thousands and one decimal point"
            }
            Notation::Comma => {
                "use only the digits 0-9, points or spaces between thousands and one decimal comma"
            }
        }
    }

    fn mark_name(self) -> &'static str {
        match self {
            Notation::Plain | Notation::Point => "decimal point",
            Notation::Comma => "decimal comma",
        }
    }
}

/// The most digits a decimal may have: far more than any amount or rate, few enough that
/// multiplying two is instant.
const MAX_DIGITS: usize = 64;

/// A number of 0 or more, exactly as written: its digits and how many of them are decimals.
/// Arithmetic on it is exact (decimal digits, no float, no overflow).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    /// Base-10 digits, most significant first, without leading zeros.
    digits: Vec<u8>,
    /// How many of the digits (counting from the right, padded with zeros) are decimals.
    scale: usize,
}

impl Decimal {
    /// Parses `text` written in `notation`: thousands separators only between groups of
    /// three digits, at most one decimal mark with digits on both sides, never a sign.
    pub fn parse(text: &str, notation: Notation) -> Result<Decimal, String> {
        let s = text.trim();
        if s.is_empty() {
            return Err("it is empty".into());
        }
        if s.starts_with(['-', '\u{2212}']) {
            return Err("it is negative; it must be 0 or more".into());
        }
        let mark = notation.mark();
        let (whole, frac) = match s.split_once(mark) {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        if whole.is_empty() {
            return Err(format!(
                "it has no digits before the {}",
                notation.mark_name()
            ));
        }
        let frac = match frac {
            None => "",
            Some("") => {
                return Err(format!(
                    "it has a {} but no digits after it",
                    notation.mark_name()
                ))
            }
            Some(f) if !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(notation.rule().into())
            }
            Some(f) => f,
        };
        // The whole part: plain digits, or 1-3 digits then groups of three, all separated
        // by the same separator.
        let separator = whole.chars().find(|c| !c.is_ascii_digit());
        let groups: Vec<&str> = match separator {
            None => vec![whole],
            Some(sep) if notation.separates_thousands(sep) => whole.split(sep).collect(),
            Some(_) => return Err(notation.rule().into()),
        };
        for (i, group) in groups.iter().enumerate() {
            if !group.bytes().all(|b| b.is_ascii_digit()) {
                return Err(notation.rule().into());
            }
            let first_wrong = i == 0 && (group.len() > 3 || group.starts_with('0'));
            if groups.len() > 1 && (group.is_empty() || first_wrong || (i > 0 && group.len() != 3))
            {
                let name = match separator {
                    Some(',') => "a comma",
                    Some('.') => "a point",
                    _ => "a space",
                };
                return Err(format!(
                    "{name} may only separate thousands (groups of three digits)"
                ));
            }
        }
        let digits: Vec<u8> = groups
            .concat()
            .bytes()
            .chain(frac.bytes())
            .map(|b| b - b'0')
            .skip_while(|d| *d == 0)
            .collect();
        if digits.len() > MAX_DIGITS {
            return Err(format!("it has more than {MAX_DIGITS} digits"));
        }
        Ok(Decimal {
            digits,
            scale: frac.len(),
        })
    }

    /// How many decimals it was written with.
    pub fn scale(&self) -> usize {
        self.scale
    }

    /// Whether it has a decimal past the cents that is not zero (`9225.225`; not
    /// `179500.00000000`).
    pub fn more_than_cents(&self) -> bool {
        self.clone().trimmed().scale > 2
    }

    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The same number without the zeros that end its decimals (`0.500000` is `0.5`).
    pub fn trimmed(mut self) -> Decimal {
        while self.scale > 0 && self.digits.last() == Some(&0) {
            self.digits.pop();
            self.scale -= 1;
        }
        if self.digits.is_empty() {
            self.scale = 0;
        }
        self
    }

    /// The number divided by 10^`places`: Twenty's millionths as units.
    pub fn shifted(mut self, places: usize) -> Decimal {
        self.scale += places;
        self
    }

    /// The exact product.
    pub fn times(&self, other: &Decimal) -> Decimal {
        let (a, b) = (&self.digits, &other.digits);
        let mut product = vec![0u32; a.len() + b.len()];
        for (i, x) in a.iter().enumerate().rev() {
            for (j, y) in b.iter().enumerate().rev() {
                product[i + j + 1] += u32::from(*x) * u32::from(*y);
            }
        }
        for k in (1..product.len()).rev() {
            let carry = product[k] / 10;
            product[k] %= 10;
            product[k - 1] += carry;
        }
        Decimal {
            digits: product
                .into_iter()
                .map(|d| d as u8)
                .skip_while(|d| *d == 0)
                .collect(),
            scale: self.scale + other.scale,
        }
    }

    /// The number times 10^`places`, to the nearest whole number, halves up; None past i64.
    pub fn rounded(&self, places: usize) -> Option<i64> {
        // The digits of the whole number, and the first digit dropped.
        let kept = (self.digits.len() + places).saturating_sub(self.scale);
        let mut n: i64 = 0;
        for i in 0..kept {
            let d = self.digits.get(i).copied().unwrap_or(0);
            n = n.checked_mul(10)?.checked_add(i64::from(d))?;
        }
        // The first digit dropped: at `kept` if the number reaches that far, else a zero.
        let dropped = if self.scale > places && self.digits.len() + places >= self.scale {
            self.digits.get(kept).copied().unwrap_or(0)
        } else {
            0
        };
        if dropped >= 5 {
            n = n.checked_add(1)?;
        }
        Some(n)
    }
}

impl fmt::Display for Decimal {
    /// Plain notation, with the decimals it was written with: `1500.000000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.scale + 1;
        let digits: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        let padded = format!("{digits:0>width$}");
        let (whole, frac) = padded.split_at(padded.len() - self.scale);
        if frac.is_empty() {
            f.write_str(whole)
        } else {
            write!(f, "{whole}.{frac}")
        }
    }
}

/// The currencies an amount's symbol may stand for: `$` for dollars (and the other
/// currencies that write it), `€`, `£`, `¥`; the rest of the text after it.
pub fn symbol(text: &str) -> Option<(char, &'static [&'static str], &str)> {
    let t = text.trim();
    let c = t.chars().next()?;
    let currencies: &'static [&'static str] = match c {
        '$' => &["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"],
        '€' => &["EUR"],
        '£' => &["GBP"],
        '¥' => &["JPY", "CNY"],
        _ => return None,
    };
    Some((c, currencies, &t[c.len_utf8()..]))
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
    fn plain_dollars_have_two_decimals_and_no_separators() {
        let plain = |c: i64| Cents::new(c).unwrap().plain_dollars();
        assert_eq!(plain(0), "0.00");
        assert_eq!(plain(5), "0.05");
        assert_eq!(plain(99), "0.99");
        assert_eq!(plain(100), "1.00");
        assert_eq!(plain(4_800_000), "48000.00");
        assert_eq!(Cents::MAX.plain_dollars(), "10000000000000.00");
        // The largest a database may hold from before the maximum existed.
        assert_eq!(
            Cents::stored(i64::MAX).unwrap().plain_dollars(),
            "92233720368547758.07"
        );
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

    fn d(text: &str, notation: Notation) -> Result<String, String> {
        Decimal::parse(text, notation).map(|d| d.to_string())
    }

    #[test]
    fn decimals_are_read_in_one_notation_only() {
        use Notation::*;
        assert_eq!(d("1,234.56", Point), Ok("1234.56".into()));
        assert_eq!(d("1.234,56", Comma), Ok("1234.56".into()));
        assert_eq!(d("1 234,56", Comma), Ok("1234.56".into()));
        assert_eq!(d("1\u{a0}234,5", Comma), Ok("1234.5".into()));
        assert_eq!(d("0,99", Comma), Ok("0.99".into()));
        assert_eq!(d("12.345", Point), Ok("12.345".into()));
        assert_eq!(d("12.345", Comma), Ok("12345".into()));
        assert_eq!(d("007.50", Plain), Ok("7.50".into()));
        for (bad, notation) in [
            ("1.234,56", Point),
            ("1,50", Point),
            ("0,99", Point),
            ("1 234,56", Point),
            (",5", Comma),
            ("1,5", Plain),
            ("1,500", Plain),
            ("1.234.5", Comma),
            ("1.234 567,00", Comma),
            ("12,34.5", Point),
            ("-1", Plain),
            ("1e5", Plain),
            ("", Point),
        ] {
            assert!(d(bad, notation).is_err(), "{bad} in {notation:?}");
        }
    }

    #[test]
    fn conversion_is_exact_then_rounds_half_up_to_the_cent() {
        let n = |t: &str| Decimal::parse(t, Notation::Plain).unwrap();
        let at = |a: &str, r: &str| Cents::converted(&n(a), &n(r)).map(Cents::get);
        assert_eq!(at("2000.50", "1.0825"), Ok(216_554));
        assert_eq!(at("0.005", "1"), Ok(1));
        assert_eq!(at("0.004999", "1"), Ok(0));
        assert_eq!(at("500000", "0.0067"), Ok(335_000));
        // Far past i128 on the way, well within the maximum at the end.
        assert_eq!(
            at("10000000000000000000.000000000007", "0.000000340292"),
            Ok(340_292_000_000_000)
        );
        assert!(at("10000000000000.01", "1").is_err());
        assert_eq!(at("10000000000000.004", "1"), Ok(Cents::MAX.0));
        assert_eq!(
            Cents::exact(&n("12.345")),
            Err("more than two decimals (cents) is not allowed".into())
        );
        assert_eq!(n("1500000000").shifted(6).to_string(), "1500.000000");
        // Zeros past the cents are no decimals; halves round up when asked.
        assert_eq!(
            Cents::exact(&n("179500.00000000")).map(Cents::get),
            Ok(17_950_000)
        );
        assert!(n("9225.225").more_than_cents() && !n("9225.2200").more_than_cents());
        assert_eq!(Cents::half_up(&n("9225.225")).map(Cents::get), Ok(922_523));
        assert_eq!(
            Cents::half_up(&n("9225.224999")).map(Cents::get),
            Ok(922_522)
        );
    }

    proptest! {
        #[test]
        fn conversion_matches_wide_arithmetic(a in 0u64..1_000_000_000_000, sa in 0usize..6, r in 1u64..10_000_000, sr in 0usize..8) {
            let dec = |v: u64, s: usize| {
                let text = format!("{v:0>width$}", width = s + 1);
                let (w, f) = text.split_at(text.len() - s);
                Decimal::parse(&if f.is_empty() { w.to_string() } else { format!("{w}.{f}") }, Notation::Plain).unwrap()
            };
            let expected = round_half_up(i128::from(a) * i128::from(r) * 100, 10i128.pow((sa + sr) as u32));
            let got = Cents::converted(&dec(a, sa), &dec(r, sr)).map(|c| i128::from(c.get()));
            if expected <= i128::from(Cents::MAX.0) {
                prop_assert_eq!(got, Ok(expected));
            } else {
                prop_assert!(got.is_err());
            }
        }

        #[test]
        fn decimal_parse_never_panics(s in "[-$0-9,. ]{0,30}") {
            for n in [Notation::Plain, Notation::Point, Notation::Comma] {
                if let Ok(d) = Decimal::parse(&s, n) {
                    let _ = d.rounded(2);
                    let _ = d.times(&d);
                }
            }
        }

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
