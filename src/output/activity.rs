//! How an activity looks: in JSON its own fields and then its deal's name (`deal_name`), in
//! a table one line each, soonest first.

use comfy_table::Cell;
use serde::Serialize;

use super::views::{bold, opt, text};
use super::{Column, Fit, Record, Style};
use crate::ops::activity::Listed;
use crate::record::{Activity, ACTIVITY_FIELD_NAMES};

/// An activity with the name of its deal (and, for tables, its short reference). Its JSON
/// is the activity's fields, then `deal_name`, so that fields are only ever added at the end.
#[derive(Debug, Clone)]
pub struct ActivityView {
    pub activity: Activity,
    pub deal_name: String,
    /// The shortest end of its id that names it (for tables), when known.
    pub short_ref: Option<String>,
}

impl ActivityView {
    pub fn new(listed: Listed) -> ActivityView {
        ActivityView {
            activity: listed.activity,
            deal_name: listed.deal_name,
            short_ref: None,
        }
    }
}

/// The JSON field names of an activity as listed: its own, then its deal's name.
pub const ACTIVITY_VIEW_FIELDS: [&str; ACTIVITY_FIELD_NAMES.len() + 1] = {
    let mut out = [""; ACTIVITY_FIELD_NAMES.len() + 1];
    let mut i = 0;
    while i < ACTIVITY_FIELD_NAMES.len() {
        out[i] = ACTIVITY_FIELD_NAMES[i];
        i += 1;
    }
    out[i] = "deal_name";
    out
};

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    activity: &'a Activity,
    deal_name: &'a str,
}

impl Serialize for ActivityView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Shown {
            activity: &self.activity,
            deal_name: &self.deal_name,
        }
        .serialize(s)
    }
}

/// When it is due, as a person reads it: `Thu 2026-03-05 14:00`, or the date alone.
pub fn due_text(a: &Activity) -> String {
    let day = a.due_date.format("%a %Y-%m-%d");
    match a.due_time {
        Some(t) => format!("{day} {t}"),
        None => day.to_string(),
    }
}

/// How long it takes, as `--duration` takes it: `30m`, `1h`, `1h30m`.
pub fn duration_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

impl Record for ActivityView {
    const FIELDS: &'static [&'static str] = &ACTIVITY_VIEW_FIELDS;

    fn id(&self) -> String {
        self.activity.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column {
                field: "id",
                header: "Ref",
                cell: |v: &ActivityView, _: &Style| {
                    let id = v.activity.id.to_string();
                    Cell::new(v.short_ref.clone().unwrap_or(id))
                },
                fit: Fit::Fixed(0),
            },
            Column {
                field: "due_date",
                header: "Due",
                cell: |v: &ActivityView, _: &Style| Cell::new(due_text(&v.activity)),
                fit: Fit::Fixed(0),
            },
            Column {
                field: "type",
                header: "Type",
                cell: |v: &ActivityView, _: &Style| Cell::new(v.activity.kind.as_str()),
                fit: Fit::Fixed(3),
            },
            Column {
                field: "subject",
                header: "Subject",
                cell: |v: &ActivityView, _: &Style| text(&v.activity.subject),
                fit: Fit::Text(0),
            },
            Column {
                field: "deal_name",
                header: "Deal",
                cell: |v: &ActivityView, _: &Style| text(&v.deal_name),
                fit: Fit::Text(2),
            },
            Column {
                field: "owner_id",
                header: "Owner",
                cell: |v: &ActivityView, _: &Style| opt(&v.activity.owner_id),
                fit: Fit::Text(1),
            },
        ]
    }

    /// `activity show`: every field a person reads, the note whole (wrapped at words).
    fn detail(&self, style: &Style) -> Vec<comfy_table::Table> {
        let a = &self.activity;
        let mut rows: Vec<(&str, Cell)> = vec![
            ("Subject", text(&a.subject)),
            (
                "Ref",
                Cell::new(self.short_ref.clone().unwrap_or_else(|| a.id.to_string())),
            ),
            ("Id", Cell::new(a.id)),
            ("Type", Cell::new(a.kind.as_str())),
            ("Deal", text(&self.deal_name)),
            ("Due", Cell::new(due_text(a))),
        ];
        if let Some(m) = a.duration_minutes {
            rows.push(("Duration", Cell::new(duration_text(m))));
        }
        if let Some(o) = &a.owner_id {
            rows.push(("Owner", text(o)));
        }
        rows.push((
            "Status",
            Cell::new(match &a.done_at {
                Some(at) => format!("done {}", style.time(at)),
                None => "pending".to_string(),
            }),
        ));
        if let Some(n) = &a.note {
            rows.push(("Note", text(n)));
        }
        rows.push(("Created", Cell::new(style.time(&a.created_at))));
        if a.updated_at != a.created_at {
            rows.push(("Updated", Cell::new(style.time(&a.updated_at))));
        }
        let mut t = style.table();
        for (k, v) in rows {
            t.add_row(vec![bold(k), v]);
        }
        vec![t]
    }
}
