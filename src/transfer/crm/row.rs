//! One row of another CRM's file as the record `rex import` reads: rex's field names, a
//! status by the CRM's own rule, the close time or the expected close, cents (converted at
//! `--rate`), and metadata for the columns kept there.

use serde_json::{Map, Value};

use super::{one_line, truth, Crm, Target, Translator};
use crate::error::{Error, Result};
use crate::json;
use crate::money::{Cents, Decimal, Notation};
use crate::transfer::fields::refused;

impl Translator {
    /// The rex record for one row, or None for a row the CRM adds that holds no deal (a
    /// row of empty cells; a report's totals and footer).
    pub fn record(&self, at: &str, row: &csv::StringRecord) -> Result<Option<Map<String, Value>>> {
        let cells: Vec<&str> = row.iter().collect();
        let empty = cells.iter().all(|c| c.trim().is_empty());
        if self.profile == Some(Crm::Salesforce) {
            // A report's totals and footer hold no deal (see `salesforce.rs`).
            if self.report_footer(at, &cells, empty)? {
                return Ok(None);
            }
        } else if empty {
            return Ok(None);
        }
        let bad = |field: &str, why: String| {
            Error::usage(format!(
                "{at}: field '{field}': {why}; nothing was imported"
            ))
        };
        let mut out = Map::new();
        let mut meta = Map::new();
        let (mut amount, mut micros, mut currency) = (None, None, None);
        let (mut status, mut is_closed, mut is_won) = (None, None, None);
        let (mut won_time, mut lost_time, mut closed_on) = (None, None, None);
        let (mut status_column, mut stage_column) = (None, "stage_id");
        for ((header, target), text) in self.headers.iter().zip(&self.columns).zip(&cells) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match target {
                Target::Drop => {}
                Target::Field("name") => {
                    out.insert("name".into(), Value::String(one_line(text)));
                }
                Target::Field("value") => {
                    let cents = text
                        .parse::<i64>()
                        .map_err(|_| bad(header, format!("expected whole cents, got '{text}'")))?;
                    out.insert("value".into(), Value::from(cents));
                }
                Target::Field("status") | Target::Status => {
                    status_column = Some(header);
                    status = Some(text.to_ascii_lowercase())
                }
                Target::Field("probability") | Target::ProbabilityPercent => {
                    out.insert(
                        "probability".into(),
                        Value::from(self.percent(text, 0).map_err(|e| bad(header, e))?),
                    );
                }
                Target::Field("value_dollars") => {
                    // Dollars as the file writes them (as rex's own, `$5,000.50`, unless
                    // --decimal comma), to cents by the one rule for cents (`--round`).
                    let dollars = match self.notation {
                        Some(Notation::Comma) => Decimal::parse(text, Notation::Comma)
                            .map_err(|e| format!("'{text}': {e}")),
                        _ => Cents::dollars(text),
                    };
                    let cents = dollars
                        .and_then(|d| self.rounding.cents(&d, text))
                        .map_err(|e| bad(header, e))?;
                    out.insert("value".into(), Value::from(cents.get()));
                }
                Target::Field(
                    f @ ("created_at" | "updated_at" | "closed_at" | "stage_entered_at"),
                ) => {
                    let t = self.time(header, text).map_err(|e| bad(header, e))?;
                    out.insert((*f).to_string(), Value::String(t));
                }
                Target::Field("expected_close") => {
                    let d = self.date(header, text).map_err(|e| bad(header, e))?;
                    out.insert("expected_close".into(), Value::String(d));
                }
                Target::Field(f) => {
                    if *f == "stage_id" {
                        stage_column = header;
                    }
                    out.insert((*f).to_string(), Value::String(one_line(text)));
                }
                Target::Source => {
                    let p = self.profile.map_or("csv", Crm::name);
                    out.insert("origin".into(), Value::String(format!("{p}:{text}")));
                }
                Target::Amount => amount = Some((header, text)),
                Target::AmountMicros => micros = Some((header, text)),
                Target::Currency => currency = Some(text.to_ascii_uppercase()),
                Target::ProbabilityFraction => {
                    out.insert(
                        "probability".into(),
                        Value::from(self.percent(text, 2).map_err(|e| bad(header, e))?),
                    );
                }
                Target::IsClosed => is_closed = Some((header, truth(text))),
                Target::IsWon => is_won = Some((header, truth(text))),
                Target::WonTime => won_time = Some((header, text)),
                Target::LostTime => lost_time = Some((header, text)),
                Target::ClosedOn => closed_on = Some((header, text)),
                Target::Meta(k) => {
                    meta.insert(k.clone(), Value::String(text.to_string()));
                }
                Target::StageOrder => {}
                Target::ExternalId(k) => {
                    meta.insert(k.clone(), Value::String(text.to_string()));
                    // The file's only id: a namespace of its own, apart from the CRM's ids.
                    if !self.columns.contains(&Target::Source) {
                        let p = self.profile.map_or("csv", Crm::name);
                        out.insert(
                            "origin".into(),
                            Value::String(format!("{p}/external_id:{text}")),
                        );
                    }
                }
            }
        }
        if let Some(origin) = self.keys.get(at) {
            out.entry("origin")
                .or_insert_with(|| Value::String(origin.clone()));
        }
        if !out.contains_key("name") {
            let column = self.header_of(&Target::Field("name")).unwrap_or("name");
            return Err(Error::usage(format!(
                "{at}: column '{column}' is empty, and every deal needs a name; fill it in, or name deals by another column with --map name=COLUMN; nothing was imported"
            )));
        }
        // The status: the CRM's own rule.
        match (is_closed, is_won) {
            (Some((_, false)), Some((header, true))) => {
                return Err(bad(
                    header,
                    "the deal is won but IsClosed says it is open; a won deal is closed: make IsClosed true or IsWon false".into(),
                ))
            }
            (Some((_, closed)), Some((header, won))) => {
                status_column = Some(header);
                status = Some(
                    match (closed, won) {
                        (false, _) => "open",
                        (true, true) => "won",
                        (true, false) => "lost",
                    }
                    .to_string(),
                );
            }
            // Won is closed, in Salesforce as in rex.
            (None, Some((header, true))) => {
                status_column = Some(header);
                status = Some("won".to_string())
            }
            _ => {}
        }
        if let Some(stage) = out.get("stage_id").and_then(Value::as_str) {
            if let Some(s) = self.outcome(stage) {
                // A status column that says otherwise is a contradiction, not a choice.
                if let (Some(said), Some(column)) = (&status, status_column) {
                    if said.as_str() != s {
                        return Err(bad(
                            stage_column,
                            format!(
                                "'{stage}' means {s}, but column '{}' says it is {said}; make them agree or drop one column",
                                column.trim()
                            ),
                        ));
                    }
                }
                status = Some(s.to_string());
                // An outcome is not a stage: the deal keeps the pipeline's last open stage.
                out.remove("stage_id");
            }
        }
        if let Some(s) = &status {
            let s = match s.as_str() {
                "open" | "won" | "lost" | "stalled" => s.clone(),
                other => {
                    return Err(bad(
                        "status",
                        format!("'{other}' is not open, won, lost or stalled"),
                    ))
                }
            };
            out.insert("status".into(), Value::String(s));
        }
        let closed = matches!(status.as_deref(), Some("won" | "lost"));
        if let (Some((header, true)), false) = (is_closed, closed) {
            return Err(bad(
                header,
                "the deal is closed but nothing says whether it was won or lost (no IsWon, no Closed Won or Closed Lost stage); add IsWon".into(),
            ));
        }
        // When it closed, or when it is expected to.
        let when = match status.as_deref() {
            Some("won") => won_time.or(closed_on),
            Some("lost") => lost_time.or(closed_on),
            _ => None,
        };
        if let Some((header, text)) = when {
            let t = self.time(header, text).map_err(|e| bad(header, e))?;
            out.insert("closed_at".into(), Value::String(t));
        }
        // A closed row whose only date is the one mapped as its expected close (a close
        // date column, like Maven's close_date) closed then, not when it is imported.
        if closed && self.mapped_expected && !out.contains_key("closed_at") {
            if let Some(Value::String(day)) = out.get("expected_close") {
                let t = self
                    .time("expected_close", day)
                    .map_err(|e| bad("expected_close", e))?;
                out.insert("closed_at".into(), Value::String(t));
            }
        }
        // A column mapped to closed_at on a row that is not closed: the file contradicts
        // itself, or the column is when deals are expected to close.
        if !closed && out.contains_key("closed_at") {
            let column = self
                .header_of(&Target::Field("closed_at"))
                .unwrap_or("closed_at");
            let status = status.as_deref().unwrap_or("open");
            let a = if status == "open" { "an" } else { "a" };
            return Err(bad(
                column,
                format!(
                    "{a} {status} deal has no closed_at; leave it empty, give the row a closed status, or map the column with --map expected_close='{column}' if it is when deals are expected to close"
                ),
            ));
        }
        if !closed {
            if let Some((header, text)) = closed_on {
                let d = self.date(header, text).map_err(|e| bad(header, e))?;
                out.entry("expected_close").or_insert(Value::String(d));
            }
        }
        // Money: in dollars as cents, converted at --rate when in another currency.
        let exported = match (amount, micros) {
            (Some((header, text)), _) => Some((
                header,
                text.to_string(),
                self.amount(text, currency.as_deref()),
            )),
            (None, Some((header, text))) => {
                let amount = Decimal::parse(text, Notation::Plain)
                    .and_then(|m| match m.scale() {
                        0 => Ok(m.shifted(6)),
                        _ => Err("millionths are a whole number".into()),
                    })
                    .map_err(|e| bad(header, format!("'{text}': {e}")))?;
                // Millionths are not decimals as written: $0.50 is 500000.
                Some((header, amount.to_string(), Ok(amount.trimmed())))
            }
            (None, None) => None,
        };
        if let Some((header, text, amount)) = exported {
            let amount = amount.map_err(|e| bad(header, format!("'{text}': {e}")))?;
            let cents = match currency.as_deref() {
                None | Some("USD") => self
                    .rounding
                    .cents(&amount, &text)
                    .map_err(|e| bad(header, format!("{e}{}", self.hint(&text, 2))))?,
                Some(other) => {
                    let rate = self.rates.get(other).ok_or_else(|| {
                        Error::usage(format!(
                            "{at}: the value is in {other}, not dollars; give its rate, like --rate {other}=1.0825; nothing was imported"
                        ))
                    })?;
                    meta.insert("original_value".into(), Value::String(text.clone()));
                    meta.insert("original_currency".into(), Value::String(other.to_string()));
                    Cents::converted(&amount, rate)
                        .map_err(|e| bad(header, format!("'{text}' {other} at {rate}: {e}")))?
                }
            };
            out.insert("value".into(), Value::from(cents.get()));
        }

        // A metadata column is JSON, read as strictly as any import; the columns kept in
        // metadata join it.
        let mut all = match out.remove("metadata") {
            Some(Value::String(s)) => match json::parse(&s, json::MAX_DEPTH) {
                Ok(Value::Object(m)) => m,
                Ok(other) => {
                    return Err(bad("metadata", format!("expected an object, got {other}")))
                }
                Err(r) => return Err(refused(at, "metadata", &r)),
            },
            _ => Map::new(),
        };
        // A key both there and in a column kept in metadata would lose one value: the same
        // value is one, two are refused.
        for (key, value) in meta {
            if let Some(before) = all.get(&key).filter(|b| **b != value) {
                let column = self
                    .header_of(&Target::Meta(key.clone()))
                    .unwrap_or(key.as_str());
                return Err(bad(
                    "metadata",
                    format!(
                        "key '{key}' is {before} there and {value} in column '{column}'; keep the column under another key with --map metadata.KEY='{column}', or drop one"
                    ),
                ));
            }
            all.insert(key, value);
        }
        if !all.is_empty() {
            out.insert("metadata".into(), Value::Object(all));
        }
        Ok(Some(out))
    }
}
