//! A deal's history as people read it: each event in words (the table's Details, the card's
//! recent entries).

use serde_json::Value;

use crate::money::Cents;
use crate::record::Event;

/// A history entry in words.
pub fn describe(e: &Event) -> String {
    let d = &e.details;
    let s = |k: &str| d.get(k).map(show_value).unwrap_or_default();
    match e.kind.as_str() {
        "created" => format!(
            "{} in {} / {}, {}",
            s("name"),
            s("pipeline"),
            s("stage"),
            money_value(d.get("value"))
        ),
        "updated" => {
            let field = s("field");
            let (old, new) = if field == "value" {
                (money_value(d.get("old")), money_value(d.get("new")))
            } else {
                (s("old"), s("new"))
            };
            let blank = |v: String| {
                if v.is_empty() {
                    "(none)".to_string()
                } else {
                    v
                }
            };
            format!("{field}: {} → {}", blank(old), blank(new))
        }
        "moved" => {
            let mut t = format!("{} → {}", s("from_stage"), s("to_stage"));
            if d.get("from_pipeline") != d.get("to_pipeline") {
                t = format!("{} / {}", s("from_pipeline"), s("from_stage"));
                t = format!("{t} → {} / {}", s("to_pipeline"), s("to_stage"));
            }
            match d.get("reason") {
                Some(Value::String(r)) => format!("{t} ({r})"),
                _ => t,
            }
        }
        "closed" => {
            let mut t = format!("{} in {}", s("status"), s("stage"));
            if let Some(Value::String(r)) = d.get("reason") {
                t.push_str(&format!(": {r}"));
            }
            t
        }
        "reopened" => format!("was {}", s("was")),
        "note" => s("text"),
        "stalled" => format!("idle {} days (period {})", s("idle_days"), s("stall_days")),
        "unstalled" => format!("activity: {}", s("by")),
        _ => describe_activity(e).unwrap_or_else(|| Value::Object(d.clone()).to_string()),
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => meta_value(other),
    }
}

fn money_value(v: Option<&Value>) -> String {
    match v.and_then(Value::as_i64).map(Cents::stored) {
        Some(Ok(c)) => c.to_string(),
        _ => v.map(show_value).unwrap_or_default(),
    }
}

/// A metadata value as a person reads it: strings bare, anything else as JSON.
pub(super) fn meta_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An activity's event in a deal's history in words, or None for another kind: the
/// activity (its type and subject) and when it is due, e.g. `call "Call CFO" due Thu
/// 2026-03-05 14:00`; a rescheduling from and to (`… Thu 2026-03-05 14:00 → Fri
/// 2026-03-06`), a deletion whether it was done.
fn describe_activity(e: &Event) -> Option<String> {
    use crate::record::event;
    let d = &e.details;
    let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or_default();
    let what = format!("{} \"{}\"", text("type"), text("subject"));
    let due = |date: &str, time: &str| due_words(text(date), d.get(time));
    Some(match e.kind.as_str() {
        event::ACTIVITY_SCHEDULED | event::ACTIVITY_DONE | event::ACTIVITY_UNDONE => {
            format!("{what} due {}", due("due_date", "due_time"))
        }
        event::ACTIVITY_RESCHEDULED => format!(
            "{what} {} → {}",
            due("from_due_date", "from_due_time"),
            due("to_due_date", "to_due_time")
        ),
        event::ACTIVITY_DELETED => {
            let was = match d.get("done") {
                Some(Value::Bool(true)) => " (was done)",
                Some(Value::Bool(false)) => " (was pending)",
                _ => "",
            };
            format!("{what} due {}{was}", due("due_date", "due_time"))
        }
        _ => return None,
    })
}

/// A due date and time as history stored them, read as [`due_text`] writes them (`Thu
/// 2026-03-05 14:00`); a date that is not one is shown as it is.
fn due_words(date: &str, time: Option<&Value>) -> String {
    let day = match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) => d.format("%a %Y-%m-%d").to_string(),
        Err(_) => date.to_string(),
    };
    match time.and_then(Value::as_str) {
        Some(t) => format!("{day} {t}"),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::DealId;
    use serde_json::json;

    fn event(kind: &str, details: Value) -> Event {
        let Value::Object(details) = details else {
            unreachable!()
        };
        Event {
            deal_id: DealId::new(),
            at: "2026-03-02T09:00:00Z".into(),
            kind: kind.into(),
            details,
            actor: None,
        }
    }

    #[test]
    fn the_five_activity_events_read_as_words() {
        let of = |kind: &str, more: Value| {
            let mut d = json!({"activity_id": "activity_x", "type": "call", "subject": "Call CFO"});
            d.as_object_mut()
                .unwrap()
                .extend(more.as_object().unwrap().clone());
            describe_activity(&event(kind, d)).unwrap()
        };
        let due = json!({"due_date": "2026-03-05", "due_time": "14:00"});
        assert_eq!(
            of("activity_scheduled", due.clone()),
            "call \"Call CFO\" due Thu 2026-03-05 14:00"
        );
        assert_eq!(
            of(
                "activity_done",
                json!({"due_date": "2026-03-05", "due_time": null})
            ),
            "call \"Call CFO\" due Thu 2026-03-05"
        );
        assert_eq!(
            of("activity_undone", due.clone()),
            "call \"Call CFO\" due Thu 2026-03-05 14:00"
        );
        assert_eq!(
            of(
                "activity_rescheduled",
                json!({"from_due_date": "2026-03-05", "from_due_time": "14:00",
                       "to_due_date": "2026-03-06", "to_due_time": null})
            ),
            "call \"Call CFO\" Thu 2026-03-05 14:00 → Fri 2026-03-06"
        );
        let mut deleted = due.clone();
        deleted["done"] = json!(true);
        assert_eq!(
            of("activity_deleted", deleted),
            "call \"Call CFO\" due Thu 2026-03-05 14:00 (was done)"
        );
        assert_eq!(
            describe_activity(&event("note", json!({"text": "x"}))),
            None
        );
    }
}
