//! The activity sections of `rex today` (`activities_overdue`, `activities_today`): an
//! activity's row in a flat list, and its line on the screen.

use chrono::NaiveDate;
use comfy_table::Cell;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::activity::{due_text, ActivityView, ACTIVITY_VIEW_FIELDS};
use super::fit::ellipsis as cut;
use super::views::{opt, text};
use super::{one_line, Column, Fit, Record, Style};
use crate::record::DueTime;

/// An activity of today in a flat list (TSV, CSV, JSON Lines, ids): the activity's fields
/// and its deal's name, then the section it is in.
#[derive(Debug, Clone, Serialize)]
pub struct TodayActivityRow {
    #[serde(flatten)]
    pub activity: ActivityView,
    pub section: &'static str,
}

/// Today's activity fields: an activity's as listed, then its section.
pub const TODAY_ACTIVITY_FIELDS: [&str; ACTIVITY_VIEW_FIELDS.len() + 1] = {
    let mut out = [""; ACTIVITY_VIEW_FIELDS.len() + 1];
    let mut i = 0;
    while i < ACTIVITY_VIEW_FIELDS.len() {
        out[i] = ACTIVITY_VIEW_FIELDS[i];
        i += 1;
    }
    out[i] = "section";
    out
};

impl Record for TodayActivityRow {
    const FIELDS: &'static [&'static str] = &TODAY_ACTIVITY_FIELDS;

    fn id(&self) -> String {
        self.activity.activity.id.to_string()
    }

    /// The columns `--fields` picks from at a table (the screen itself is the view's).
    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("section", "Section", |r: &TodayActivityRow, _| {
                Cell::new(r.section)
            }),
            Column::new("id", "Ref", |r: &TodayActivityRow, _| {
                Cell::new(reference(&r.activity))
            }),
            Column::new("due_date", "Due", |r: &TodayActivityRow, _| {
                Cell::new(due_text(&r.activity.activity))
            }),
            Column::new("type", "Type", |r: &TodayActivityRow, _| {
                Cell::new(r.activity.activity.kind.as_str())
            })
            .fit(Fit::Fixed(3)),
            Column::new("subject", "Subject", |r: &TodayActivityRow, _| {
                text(&r.activity.activity.subject)
            })
            .fit(Fit::Text(0)),
            Column::new("deal_name", "Deal", |r: &TodayActivityRow, _| {
                text(&r.activity.deal_name)
            })
            .fit(Fit::Text(2)),
            Column::new("owner_id", "Owner", |r: &TodayActivityRow, _| {
                opt(&r.activity.activity.owner_id)
            })
            .fit(Fit::Text(1)),
        ]
    }
}

/// The short reference a person types, or the id when none was worked out.
fn reference(v: &ActivityView) -> String {
    v.short_ref
        .clone()
        .unwrap_or_else(|| v.activity.id.to_string())
}

/// When an activity is due, as its line on today's screen says it: the time alone (or
/// `today`) for one due today, the day and time (`Wed 2026-03-04 14:00`) for another.
fn due_on_screen(v: &ActivityView, today: NaiveDate) -> String {
    let a = &v.activity;
    match a.due_time {
        _ if a.due_date != today => due_text(a),
        Some(t) => t.to_string(),
        None => "today".to_string(),
    }
}

/// The columns of today's activity lines, alike in both activity sections so that they
/// line up: the reference, when it is due and its type at their full width; the subject,
/// the deal and the owner share what is left.
pub(super) struct Planned {
    reference: usize,
    due: usize,
    kind: usize,
    subject: usize,
    deal: usize,
    owner: Option<usize>,
    today: NaiveDate,
    /// The local time of day now: an activity due today before it is late.
    now: DueTime,
}

impl Planned {
    pub(super) fn new(activities: &[&ActivityView], owner_column: bool, style: &Style) -> Planned {
        let today = crate::clock::local_day(style.now);
        let now = DueTime::of(style.now.with_timezone(&chrono::Local).time());
        let widest =
            |f: &dyn Fn(&ActivityView) -> usize| activities.iter().map(|a| f(a)).max().unwrap_or(0);
        let reference = widest(&|a| reference(a).width());
        let due = widest(&|a| due_on_screen(a, today).width());
        let kind = widest(&|a| a.activity.kind.as_str().len());
        let mut subject = widest(&|a| one_line(&a.activity.subject).width());
        let mut deal = widest(&|a| one_line(&a.deal_name).width());
        let mut owner = owner_column.then(|| {
            widest(&|a| one_line(a.activity.owner_id.as_deref().unwrap_or("-")).width())
                .max("-".width())
        });
        if let Some(width) = style.width {
            // What never gives way: the indent, the reference, when, the type and the gaps.
            let gaps = GAP.len() * (4 + usize::from(owner.is_some()));
            let fixed = INDENT.len() + reference + due + kind + gaps;
            let room = width.saturating_sub(fixed);
            if subject + deal + owner.unwrap_or(0) > room {
                // The deal and the owner give way to at most 14 columns, then the subject
                // takes the rest; on a very narrow screen all three share it.
                deal = deal.min(14);
                owner = owner.map(|o| o.min(14));
                let others = deal + owner.unwrap_or(0);
                if room >= others + 12 {
                    subject = subject.min(room - others);
                } else {
                    subject = (room / 2).max(1);
                    let rest = room.saturating_sub(subject);
                    match owner.as_mut() {
                        Some(o) => {
                            deal = (rest / 2).max(1);
                            *o = rest.saturating_sub(deal).max(1);
                        }
                        None => deal = rest.max(1),
                    }
                }
            }
        }
        Planned {
            reference,
            due,
            kind,
            subject,
            deal,
            owner,
            today,
            now,
        }
    }

    /// An activity's line; when it is due is red once it is late.
    pub(super) fn row(&self, v: &ActivityView, style: &Style) -> String {
        let a = &v.activity;
        let late = a.due_date < self.today
            || (a.due_date == self.today && a.due_time.is_some_and(|t| t < self.now));
        let due = pad(&due_on_screen(v, self.today), self.due);
        let mut line = format!(
            "{INDENT}{:<rw$}{GAP}{}{GAP}{:<kw$}{GAP}{}{GAP}{}",
            reference(v),
            if late { paint(style, "31", &due) } else { due },
            a.kind.as_str(),
            pad(&cut(&one_line(&a.subject), self.subject), self.subject),
            pad(&cut(&one_line(&v.deal_name), self.deal), self.deal),
            rw = self.reference,
            kw = self.kind,
        );
        if let Some(width) = self.owner {
            let owner = one_line(a.owner_id.as_deref().unwrap_or("-"));
            line.push_str(GAP);
            line.push_str(&cut(&owner, width));
        }
        line.trim_end().to_string()
    }
}

const INDENT: &str = "  ";
const GAP: &str = "  ";

/// Text padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// Text in a colour (an SGR code), when the terminal shows colour.
fn paint(style: &Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    } else {
        text.to_string()
    }
}
