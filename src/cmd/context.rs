//! What the CLI's handlers share: the context each one gets (the database, the clock, the
//! printer), asking the person at the terminal, saying a saved change truthfully and the
//! confirmation lines that say it, deal views for people (short references), and the
//! `KEY=VALUE` syntax of `--meta`.

use std::io::{self, BufRead, IsTerminal, Write};

use serde_json::Value;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::id::DealId;
use crate::json;
use crate::ops::lookup::REF_MIN;
use crate::output::{Confirmation, DealView, Printer};
use crate::record::{canonical, event, Event};
use crate::store::{Store, Tx};

/// What every handler gets: the open database, the clock, and the printer.
pub struct Ctx {
    pub store: Store,
    pub clock: Clock,
    pub out: Printer,
}

/// What a committed change returned, printed. Printing can still fail after the change is
/// saved (a full disk, a closed terminal): the error then says that the change is saved and
/// names it, so that nobody repeats a create and makes a duplicate.
pub fn print_saved(printed: Result<()>, saved: impl FnOnce() -> String) -> Result<()> {
    match printed {
        Err(e @ (Error::BrokenPipe | Error::Silent(_))) => Err(e),
        Err(e) => Err(Error::Failed(format!(
            "{} is saved, but printing it failed ({e}); do not repeat the command",
            saved()
        ))),
        Ok(()) => Ok(()),
    }
}

/// "Acme Corp (3kq9v2x)": a deal as a confirmation names it, its name being what gives way
/// on a narrow terminal. Its stored name, whatever it holds, is escaped when printed.
pub fn deal_named(tx: &dyn Tx, id: DealId) -> Result<Confirmation> {
    let name = match tx.deal(id) {
        Ok(Some(d)) => d.name,
        _ => String::from("a damaged deal"),
    };
    let reference = crate::ops::lookup::short_refs(tx, &[id], REF_MIN)?
        .remove(&id)
        .unwrap_or_else(|| id.to_string());
    Ok(Confirmation::default()
        .name(&name)
        .text(&format!(" ({reference})")))
}

/// The changes a history records, as a person reads them: `value $5,000.00 → $7,500.00`;
/// text a person typed (a name, an owner, a contact, metadata) gives way on a narrow terminal.
pub fn changes_line(history: &[Event]) -> Confirmation {
    let shown = |field: &str, v: &Value| match (field, v) {
        (_, Value::Null) => Confirmation::new("none"),
        ("value", Value::Number(n)) => Confirmation::new(
            &n.as_i64()
                .and_then(|c| crate::money::Cents::stored(c).ok())
                .map_or_else(|| n.to_string(), |c| c.to_string()),
        ),
        ("expected_close", Value::String(t)) => Confirmation::new(t),
        (_, Value::String(t)) => Confirmation::default().name(t),
        (_, other) => Confirmation::new(&other.to_string()),
    };
    let mut line = Confirmation::default();
    for e in history {
        let part = match e.kind.as_str() {
            event::UPDATED => {
                let (Some(field), Some(old), Some(new)) = (
                    e.details.get("field").and_then(Value::as_str),
                    e.details.get("old"),
                    e.details.get("new"),
                ) else {
                    continue;
                };
                // A field as people say it (`expected close`, `owner`); a metadata key as
                // it was typed (was: `po_number` confirmed as `po number`).
                let name = match field.strip_prefix("metadata.") {
                    Some(key) => Confirmation::new("metadata.").name(key).text(" "),
                    None => Confirmation::new(&format!(
                        "{} ",
                        field.strip_suffix("_id").unwrap_or(field).replace('_', " ")
                    )),
                };
                name.then(shown(field, old))
                    .text(" → ")
                    .then(shown(field, new))
            }
            event::MOVED => {
                let text = |k: &str| e.details.get(k).and_then(Value::as_str).unwrap_or("");
                Confirmation::new(&if text("from_pipeline_id") == text("to_pipeline_id") {
                    format!("stage {} → {}", text("from_stage"), text("to_stage"))
                } else {
                    format!(
                        "pipeline {} / {} → {} / {}",
                        text("from_pipeline"),
                        text("from_stage"),
                        text("to_pipeline"),
                        text("to_stage")
                    )
                })
            }
            _ => continue,
        };
        if !line.is_empty() {
            line = line.separator("; ");
        }
        line = line.then(part);
    }
    line
}

/// Asks the person at the terminal; without one, refuses unless `yes`.
pub fn confirm(yes: bool, question: &Confirmation, refusal: &str) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "{refusal} without confirmation; pass --yes to confirm"
        )));
    }
    crate::output::say_question(question);
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Error::Failed("cancelled; nothing was changed".into()))
    }
}

/// Fills in the short references of deal views (for people; scripts read full ids).
pub fn fill_refs<'a>(tx: &dyn Tx, views: impl IntoIterator<Item = &'a mut DealView>) -> Result<()> {
    let mut views: Vec<&mut DealView> = views.into_iter().collect();
    let ids: Vec<DealId> = views.iter().map(|v| v.deal.id).collect();
    let refs = crate::ops::lookup::short_refs(tx, &ids, REF_MIN)?;
    // A deal may be shown twice (in two sections of today).
    for v in &mut views {
        v.short_ref = refs.get(&v.deal.id).cloned();
    }
    Ok(())
}

/// Parses `KEY=VALUE` (a string) or `KEY:=JSON` (any JSON value).
pub fn parse_meta(text: &str) -> Result<(String, Value)> {
    let (key, value) = text.split_once('=').ok_or_else(|| {
        Error::usage(format!(
            "metadata '{text}' has no '='; use KEY=VALUE or KEY:=JSON"
        ))
    })?;
    let (key, json) = match key.strip_suffix(':') {
        Some(k) => (k, true),
        None => (key, false),
    };
    let key = meta_key(key, text)?;
    let value = if json {
        // The metadata object holds the value: one level of the limit is its own.
        let v = json::parse(value, json::MAX_DEPTH - 1).map_err(|r| match r {
            json::Refusal::Syntax(e) => Error::usage(format!("metadata '{key}' is not valid JSON ({e}); use KEY:=JSON like seats:=25 or KEY=VALUE for text")),
            other => Error::usage(other.describe(&format!("metadata.{key}"))),
        })?;
        canonical(v)
    } else {
        Value::String(value.to_string())
    };
    Ok((key, value))
}

/// The key of a `KEY=VALUE` argument (`whole`), checked by the deal's rule for keys.
pub fn meta_key(key: &str, whole: &str) -> Result<String> {
    let k = key.trim();
    if k.is_empty() {
        return Err(Error::usage(format!(
            "metadata '{whole}' has no key; use KEY=VALUE"
        )));
    }
    crate::record::DealText::MetaKey
        .check(k)
        .map_err(Error::Usage)
}
