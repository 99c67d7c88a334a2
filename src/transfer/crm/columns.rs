//! Where each column of a file goes: the profile's columns, overridden by `--map`, rex's
//! own field names, or metadata with `--keep-unknown`; refused where two columns would
//! fill one field or one metadata key, or no column is the deal's name.

use std::collections::HashMap;

use super::money::rate;
use super::{meta_key, Crm, DateOrder, DecimalMark, Surveyed, Target, Translator, MAPPABLE};
use crate::error::{Error, Result};
use crate::money::Notation;
use crate::transfer::rounding::Rounding;

/// Whether two columns would fill one field, so that one of them would be lost: the same
/// target, or a profile's column and a mapped one for the same field (`Amount` and
/// `--map value=Other`; `Close Date` and `--map closed_at=…`). (An expected close mapped
/// beside a close date is not one: the close date stands in for it only when none is given.)
fn fill_one_field(a: &Target, b: &Target) -> bool {
    use Target::*;
    let group = |t: &Target| match t {
        Field("value") | Field("value_dollars") | Amount | AmountMicros => Some(0),
        Field("probability") | ProbabilityPercent | ProbabilityFraction => Some(1),
        Field("status") | Status => Some(2),
        _ => None,
    };
    let closes = |t: &Target| matches!(t, ClosedOn | WonTime | LostTime);
    a == b
        || group(a).is_some_and(|g| group(b) == Some(g))
        || (*a == Field("closed_at") && closes(b))
        || (*b == Field("closed_at") && closes(a))
}

/// Two columns, `first` and `then`, that would fill one field: refused, as one value
/// would be lost.
pub(super) fn one_field(first: &str, then: &str, target: &Target) -> Error {
    Error::usage(format!(
        "line 1: columns '{}' and '{}' both go to {}; drop one with --map -=COLUMN; nothing was imported",
        first.trim(),
        then.trim(),
        target_name(target)
    ))
}

/// Where a column goes, in the user's words.
pub(super) fn target_name(target: &Target) -> String {
    match target {
        Target::Field(f) => (*f).to_string(),
        Target::Source => "origin (the CRM's id)".into(),
        Target::Amount | Target::AmountMicros => "value (with its currency)".into(),
        Target::Currency => "the value's currency".into(),
        Target::ProbabilityFraction | Target::ProbabilityPercent => "probability".into(),
        Target::Status | Target::IsClosed | Target::IsWon => "status".into(),
        Target::WonTime | Target::LostTime | Target::ClosedOn => {
            "closed_at (or expected_close while open)".into()
        }
        Target::StageOrder => "the order of the stages it creates".into(),
        Target::ExternalId(k) => format!("metadata.{k} (and origin, without an id column)"),
        Target::Meta(k) => format!("metadata.{k}"),
        Target::Drop => "(dropped)".into(),
    }
}

/// Makes the metadata keys of the columns kept in metadata distinct, so that no value is
/// lost: a key given with `--map metadata.KEY=` (`explicit`) is the column's, and the keys
/// rex keeps a converted amount's original under are its own; then, in the file's order,
/// a column keeps its readable key unless an earlier one has it (`Budget_Confirmed__c`
/// and `BudgetConfirmed__c` both read `budget_confirmed_c`), when it is kept under its
/// header as written, else that key numbered (`_2`). Returns the columns moved, with the
/// key they would have had and who holds it, for `--dry-run` to say.
fn distinct_meta_keys(
    headers: &[String],
    columns: &mut [Target],
    explicit: &[bool],
) -> Result<HashMap<usize, (String, String)>> {
    let mut taken: HashMap<String, String> = HashMap::new();
    if columns.contains(&Target::Currency) {
        for key in ["original_value", "original_currency"] {
            taken.insert(key.to_string(), "the converted amount's original".into());
        }
    }
    for (i, target) in columns.iter().enumerate() {
        if let (Target::Meta(key), true) = (target, explicit[i]) {
            let column = format!("column '{}'", headers[i].trim());
            if let Some(holder) = taken.insert(key.clone(), column.clone()) {
                return Err(Error::usage(format!(
                    "line 1: {column} and {holder} both go to metadata.{key}; map the column to another key with --map metadata.KEY='{}'; nothing was imported",
                    headers[i].trim()
                )));
            }
        }
    }
    let mut moved = HashMap::new();
    for (i, target) in columns.iter_mut().enumerate() {
        let Target::Meta(key) = target else { continue };
        if explicit[i] {
            continue;
        }
        let column = format!("column '{}'", headers[i].trim());
        let Some(holder) = taken.get(key.as_str()).cloned() else {
            taken.insert(key.clone(), column);
            continue;
        };
        let written = headers[i].trim().to_string();
        let distinct = std::iter::once(written)
            .chain((2..).map(|n| format!("{key}_{n}")))
            .find(|k| !k.is_empty() && !taken.contains_key(k))
            .unwrap_or_default();
        taken.insert(distinct.clone(), column);
        moved.insert(i, (std::mem::replace(key, distinct), holder));
    }
    Ok(moved)
}

impl Translator {
    /// A translator for a file with `headers`: the profile's columns, overridden by `maps`
    /// (`FIELD=COLUMN`, `-=COLUMN`); rex's own field names match ignoring case and spaces;
    /// anything else is refused unless `keep_unknown` (then it goes to metadata).
    pub fn new(
        profile: Option<Crm>,
        headers: &[String],
        maps: &[String],
        keep_unknown: bool,
        rates: &[String],
        order: Option<DateOrder>,
        decimal: Option<DecimalMark>,
    ) -> Result<Translator> {
        let mut chosen: HashMap<String, Target> = HashMap::new();
        for m in maps {
            let (field, column) = m.split_once('=').ok_or_else(|| {
                Error::usage(format!(
                    "--map '{m}': use FIELD=COLUMN, or -=COLUMN to drop a column"
                ))
            })?;
            let field = field.trim();
            // The column as the header writes it: exactly, else ignoring case, so that one
            // column given twice in two spellings is found mapped twice.
            let column = headers
                .iter()
                .map(|h| h.trim())
                .find(|h| *h == column.trim())
                .or_else(|| {
                    let mut alike = headers
                        .iter()
                        .map(|h| h.trim())
                        .filter(|h| h.to_lowercase() == column.trim().to_lowercase());
                    alike.next().filter(|_| alike.next().is_none())
                })
                .ok_or_else(|| {
                    Error::usage(format!(
                        "--map '{m}': the file has no column '{}'; its columns: {}",
                        column.trim(),
                        headers.join(", ")
                    ))
                })?;
            let target = match field {
                "-" => Target::Drop,
                "currency" => Target::Currency,
                "origin" => Target::Source,
                f if MAPPABLE.contains(&f) => {
                    Target::Field(MAPPABLE.iter().find(|x| **x == f).copied().unwrap_or("name"))
                }
                f if f.starts_with("metadata.") && f.len() > 9 => Target::Meta(f[9..].to_string()),
                f => {
                    return Err(Error::usage(format!(
                        "--map '{m}': '{f}' is not a field rex imports; use one of {}, origin, metadata.KEY or -",
                        MAPPABLE.join(", ")
                    )))
                }
            };
            if target != Target::Drop {
                if let Some((other, _)) = chosen.iter().find(|(_, t)| **t == target) {
                    return Err(Error::usage(format!(
                        "--map '{m}': {} is already mapped to column '{other}'; map each field once",
                        target_name(&target)
                    )));
                }
            }
            if let Some(before) = chosen.insert(column.to_string(), target) {
                return Err(Error::usage(format!(
                    "--map '{m}': column '{column}' is already mapped (to {}); map each column once",
                    target_name(&before)
                )));
            }
        }
        let mut columns = Vec::with_capacity(headers.len());
        for h in headers {
            let own = h.trim().to_ascii_lowercase().replace(' ', "_");
            let target = match chosen.get(h.trim()) {
                Some(t) => t.clone(),
                None => match profile.and_then(|p| p.column(h)) {
                    Some(t) => t,
                    None if MAPPABLE.contains(&own.as_str()) || own == "metadata" || own == "id" => {
                        Target::Field(
                            ["metadata", "id"]
                                .into_iter()
                                .chain(MAPPABLE)
                                .find(|f| *f == own)
                                .unwrap_or("name"),
                        )
                    }
                    None if keep_unknown => Target::Meta(meta_key(h)),
                    None => {
                        return Err(Error::usage(format!(
                            "line 1: column '{h}' is not a field rex knows; map it with --map FIELD='{h}', drop it with --map -='{h}', or keep it in metadata with --keep-unknown; nothing was imported"
                        )))
                    }
                },
            };
            columns.push(target);
        }
        let explicit: Vec<bool> = headers
            .iter()
            .map(|h| chosen.contains_key(h.trim()))
            .collect();
        let moved = distinct_meta_keys(headers, &mut columns, &explicit)?;
        // Two columns that fill one field: the later would silently win. (Columns kept in
        // metadata by their header, which may read alike, are not fields.)
        for (i, target) in columns.iter().enumerate() {
            if matches!(target, Target::Drop | Target::Meta(_)) {
                continue;
            }
            if let Some(j) = columns[..i].iter().position(|t| fill_one_field(t, target)) {
                return Err(one_field(&headers[j], &headers[i], target));
            }
        }
        // Every deal has a name: a file without a column for it is refused at its header,
        // not at its first row.
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::usage(
                "line 1: the file has no header; a CSV starts with a line naming its columns; nothing was imported",
            ));
        }
        if !columns.contains(&Target::Field("name")) {
            return Err(Error::usage(format!(
                "line 1: no column is the deal's name (the file has {}); say which with --map name=COLUMN; nothing was imported",
                crate::ops::lookup::quoted(headers, 6)
            )));
        }
        let mut parsed = HashMap::new();
        for r in rates {
            let (currency, value) = r.split_once('=').ok_or_else(|| {
                Error::usage(format!("--rate '{r}': use CURRENCY=RATE, like EUR=1.0825"))
            })?;
            let value = rate(value).map_err(|e| Error::usage(format!("--rate '{r}': {e}")))?;
            let currency = currency.trim().to_ascii_uppercase();
            if currency == "USD" {
                return Err(Error::usage(format!(
                    "--rate '{r}': rex keeps dollars, so dollars need no rate; give rates of other currencies only"
                )));
            }
            if parsed.insert(currency.clone(), value).is_some() {
                return Err(Error::usage(format!(
                    "--rate '{r}': {currency} is given a rate twice; give each currency one --rate"
                )));
            }
        }
        Ok(Translator {
            profile,
            columns,
            headers: headers.to_vec(),
            rates: parsed,
            order,
            notation: decimal.map(|d| match d {
                DecimalMark::Point => Notation::Point,
                DecimalMark::Comma => Notation::Comma,
            }),
            skipped: std::cell::RefCell::new(None),
            mapped: !maps.is_empty(),
            mapped_expected: chosen
                .values()
                .any(|t| *t == Target::Field("expected_close")),
            surveyed: Surveyed::default(),
            keys: HashMap::new(),
            moved,
            rounding: Rounding::default(),
            orders: HashMap::new(),
            won: Vec::new(),
            lost: Vec::new(),
        })
    }

    /// The values of the stage column that mean won and lost (`--won-stage`,
    /// `--lost-stage`), besides the profile's own outcome stages: refused when a value is
    /// given as both, or when no column is the stage.
    pub fn outcomes(&mut self, won: &[String], lost: &[String]) -> Result<()> {
        if won.is_empty() && lost.is_empty() {
            return Ok(());
        }
        let key = |v: &String| v.trim().to_lowercase();
        for (flag, values) in [("--won-stage", won), ("--lost-stage", lost)] {
            if let Some(v) = values.iter().find(|v| v.trim().is_empty()) {
                return Err(Error::usage(format!(
                    "{flag} '{v}': give a value of the stage column, like {flag} 'Closed Won'; nothing was imported"
                )));
            }
        }
        if let Some(w) = won.iter().find(|w| lost.iter().any(|l| key(l) == key(w))) {
            return Err(Error::usage(format!(
                "--won-stage and --lost-stage both name '{}'; a stage means won or lost, not both; nothing was imported",
                w.trim()
            )));
        }
        if !self.columns.contains(&Target::Field("stage_id")) {
            let flag = if won.is_empty() {
                "--lost-stage"
            } else {
                "--won-stage"
            };
            return Err(Error::usage(format!(
                "{flag} names values of the stage column, but no column is the stage; map one with --map stage_id=COLUMN; nothing was imported"
            )));
        }
        self.won = won.iter().map(key).collect();
        self.lost = lost.iter().map(key).collect();
        Ok(())
    }

    /// What each column maps to, for `--dry-run`.
    pub fn describe(&self) -> Vec<String> {
        self.headers
            .iter()
            .zip(&self.columns)
            .enumerate()
            .map(|(i, (h, t))| match self.moved.get(&i) {
                Some((key, holder)) => format!(
                    "column '{h}' → {} (metadata.{key} is {holder})",
                    target_name(t)
                ),
                None => format!("column '{h}' → {}", target_name(t)),
            })
            .collect()
    }
}
