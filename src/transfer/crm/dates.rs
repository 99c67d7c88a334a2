//! Dates as CRMs export them (`2025-06-30`, `6/30/2025`, `30.06.2025 14:05`, RFC 3339),
//! read as rex keeps them; the order of a column's numeric dates settled by the dates
//! themselves (`13/01/2025` can only be day first) or by `--date-order`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::{Target, Translator};
use crate::error::{Error, Result};

/// The order of day, month and year in numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}

impl Translator {
    /// The order of each date column's numeric dates, where one of its dates settles it
    /// (`13/01/2025` is day first, `01/13/2025` month first) and --date-order is not given:
    /// a column whose dates say both is refused, naming a line of each.
    pub(super) fn settle_date_orders(
        &mut self,
        rows: &[(String, csv::StringRecord)],
    ) -> Result<()> {
        if self.order.is_some() {
            return Ok(());
        }
        for (i, (header, target)) in self.headers.iter().zip(&self.columns).enumerate() {
            let dated = matches!(
                target,
                Target::Field(
                    "created_at"
                        | "updated_at"
                        | "closed_at"
                        | "stage_entered_at"
                        | "expected_close"
                ) | Target::WonTime
                    | Target::LostTime
                    | Target::ClosedOn
            );
            if !dated {
                continue;
            }
            let (mut dmy, mut mdy) = (None, None);
            for (k, (at, row)) in rows.iter().enumerate() {
                let Some(text) = row.get(i).map(str::trim) else {
                    continue;
                };
                match numeric_date(text).and_then(|(nums, n, _)| day_first(&nums, &n)) {
                    Some(true) => dmy = dmy.or(Some((k, at, text))),
                    Some(false) => mdy = mdy.or(Some((k, at, text))),
                    None => {}
                }
            }
            let order = match (dmy, mdy) {
                (Some((k, a, x)), Some((l, b, y))) => {
                    let ((first, one, said), (second, other, then)) = if k < l {
                        ((a, x, "day"), (b, y, "month"))
                    } else {
                        ((b, y, "month"), (a, x, "day"))
                    };
                    return Err(Error::usage(format!(
                        "{first} and {second}: column '{}' writes dates in two orders ('{one}' is {said} first, '{other}' {then} first); correct one, or say which with --date-order mdy or dmy; nothing was imported",
                        header.trim()
                    )));
                }
                (Some(_), None) => DateOrder::Dmy,
                (None, Some(_)) => DateOrder::Mdy,
                (None, None) => continue,
            };
            self.orders.insert(header.clone(), order);
        }
        Ok(())
    }

    /// A date as rex keeps it (`YYYY-MM-DD`), from the CRM's form.
    pub(super) fn date(&self, header: &str, text: &str) -> std::result::Result<String, String> {
        self.datetime(header, text)
            .map(|(d, _)| crate::clock::format_date(d))
    }

    /// A time as rex keeps it (RFC 3339 UTC); a time without a zone is local (TZ).
    pub(super) fn time(&self, header: &str, text: &str) -> std::result::Result<String, String> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(crate::clock::timestamp(t.with_timezone(&chrono::Utc)));
        }
        if let Ok(t) = chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
            return Ok(crate::clock::timestamp(t.with_timezone(&chrono::Utc)));
        }
        let (day, time) = self.datetime(header, text)?;
        let local = day.and_time(time.unwrap_or_default());
        Ok(crate::clock::timestamp(crate::clock::local_to_utc(local)))
    }

    /// A date and maybe a time of day, in the forms CRMs export, from column `header`.
    fn datetime(
        &self,
        header: &str,
        text: &str,
    ) -> std::result::Result<(NaiveDate, Option<NaiveTime>), String> {
        let t = text.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
            return Ok((dt.date_naive(), Some(dt.time())));
        }
        for f in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.fZ",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Ok((dt.date(), Some(dt.time())));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok((d, None));
        }
        // Numeric dates in a locale's order: 6/30/2025, 30.06.2025, 2025/06/30, with a time.
        let Some((nums, n, time_part)) = numeric_date(t) else {
            return Err(format!(
                "'{text}' is not a date rex can read, like 2025-06-30"
            ));
        };
        let candidates: Vec<(DateOrder, Option<NaiveDate>)> =
            [DateOrder::Ymd, DateOrder::Mdy, DateOrder::Dmy]
                .into_iter()
                .map(|o| {
                    let (y, m, d) = match o {
                        DateOrder::Ymd => (n[0], n[1], n[2]),
                        DateOrder::Mdy => (n[2], n[0], n[1]),
                        DateOrder::Dmy => (n[2], n[1], n[0]),
                    };
                    let y = if y < 100 { y + 2000 } else { y };
                    (
                        o,
                        NaiveDate::from_ymd_opt(y as i32, m, d)
                            .filter(|_| o != DateOrder::Ymd || nums[0].len() == 4),
                    )
                })
                .collect();
        // --date-order, else the order the column's other dates settle (see `survey`).
        let order = self.order.or_else(|| self.orders.get(header).copied());
        let date = match order {
            Some(o) => candidates
                .iter()
                .find(|(c, _)| *c == o)
                .and_then(|(_, d)| *d)
                .ok_or_else(|| format!("'{text}' is not a date in the order --date-order gives"))?,
            None => {
                let valid: Vec<NaiveDate> = candidates.iter().filter_map(|(_, d)| *d).collect();
                match valid.as_slice() {
                    [d] => *d,
                    [d, rest @ ..] if rest.iter().all(|r| r == d) => *d,
                    [] => return Err(format!("'{text}' is not a date rex can read, like 2025-06-30")),
                    _ => {
                        return Err(format!(
                            "'{text}' could be month/day or day/month; say which with --date-order mdy or dmy"
                        ))
                    }
                }
            }
        };
        let time = match time_part.filter(|x| !x.is_empty()) {
            None => None,
            Some(x) => Some(
                ["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p"]
                    .iter()
                    .find_map(|f| NaiveTime::parse_from_str(&x.to_ascii_uppercase(), f).ok())
                    .ok_or_else(|| format!("'{text}' has a time rex cannot read"))?,
            ),
        };
        Ok((date, time))
    }
}

/// A numeric date in a locale's order (`6/30/2025`, `30.06.2025`, `2025/06/30`, maybe with a
/// time after it): its three numbers as written and read, and the rest.
fn numeric_date(t: &str) -> Option<(Vec<&str>, Vec<u32>, Option<&str>)> {
    let (date_part, time_part) = match t.split_once([' ', ',']) {
        Some((d, rest)) => (d.trim(), Some(rest.trim().trim_start_matches(',').trim())),
        None => (t, None),
    };
    let nums: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    let n: Vec<u32> = nums.iter().filter_map(|x| x.parse().ok()).collect();
    (n.len() == 3 && nums.len() == 3).then_some((nums, n, time_part))
}

/// What a numeric date says by itself of its order: a first number above 12 can only be
/// a day (Some(true), day first), a second above 12 only a day (Some(false), month
/// first); None when both could be months, or the year comes first.
fn day_first(nums: &[&str], n: &[u32]) -> Option<bool> {
    if nums[0].len() == 4 {
        return None;
    }
    match (n[0] > 12, n[1] > 12) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}
