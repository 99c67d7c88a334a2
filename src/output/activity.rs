//! How an activity looks: in JSON its own fields and then its deal's name (`deal_name`), in
//! a table one line each, soonest first.

use comfy_table::Cell;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::cells::{bold, opt, text};
use super::fit::ellipsis as cut;
use super::{one_line, Column, Fit, Record, Style};
use crate::ops::activity::Listed;
use crate::record::{name_key, Activity, ACTIVITY_FIELD_NAMES};

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
    due_as(a, "%a %Y-%m-%d")
}

/// When it is due without its weekday: `2026-03-05 14:00` (a narrow card).
fn due_bare(a: &Activity) -> String {
    due_as(a, "%Y-%m-%d")
}

/// Its due date in `day` (a chrono format), then its time when it has one.
fn due_as(a: &Activity, day: &str) -> String {
    let day = a.due_date.format(day);
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

/// A deal's pending activities as its card (`deal show` at a table) shows them: the soonest
/// few, and how many it has in all.
#[derive(Debug, Clone, Default)]
pub struct NextSteps {
    /// The soonest pending activities, soonest first (at most [`CARD_NEXT_STEPS`]).
    pub soonest: Vec<Activity>,
    /// How many pending activities the deal has in all.
    pub pending: i64,
    /// The short references of the soonest, which a person types to mark one done.
    pub refs: std::collections::HashMap<crate::id::ActivityId, String>,
    /// The most lines they take, when fewer than [`CARD_NEXT_STEPS`] (a card too tall for
    /// its screen): at least two, one activity and how many more.
    pub most: Option<usize>,
}

/// The most lines a card gives its next steps, the `+N more` line included: the card keeps
/// to one screen, each of them taking the place of a recent history entry.
pub const CARD_NEXT_STEPS: usize = 3;

/// The narrowest a card's next-step subject gets before the owner, then the type, give way.
const CARD_SUBJECT_MIN: usize = 10;

/// How a card's next steps are laid out within its value column: which columns show, and
/// how wide the subject and the owner are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StepLayout {
    weekday: bool,
    kind: bool,
    owner: bool,
    subject: usize,
    owner_width: usize,
}

/// The widest of each column of a card's next steps, whole.
struct StepWidths {
    /// The reference.
    reference: usize,
    /// When it is due, with its weekday and without.
    due: usize,
    due_bare: usize,
    kind: usize,
    subject: usize,
    /// The owner's, when the owners show.
    owner: Option<usize>,
}

impl StepLayout {
    /// Within `room` columns (None: every column whole): the reference and the date are never
    /// cut; the owner is cut to a third of what is left (at most 12 columns, or whole when
    /// shorter) and then left out, then the type, then the date's weekday, before the subject
    /// gets narrower than [`CARD_SUBJECT_MIN`]; what the subject does not need goes to the
    /// owner.
    fn fit(w: &StepWidths, room: Option<usize>) -> StepLayout {
        let whole = StepLayout {
            weekday: true,
            kind: true,
            owner: w.owner.is_some(),
            subject: w.subject,
            owner_width: w.owner.unwrap_or(0),
        };
        let Some(room) = room else { return whole };
        let gap = GAP.len();
        let wanted = w.subject.min(CARD_SUBJECT_MIN);
        let mut last = whole;
        let tries = [
            (true, true, true),
            (true, true, false),
            (true, false, false),
            (false, false, false),
        ];
        for (weekday, kind, with_owner) in tries {
            let owner = w.owner.filter(|_| with_owner);
            let due = if weekday { w.due } else { w.due_bare };
            let used = w.reference + gap + due + gap + if kind { w.kind + gap } else { 0 };
            let left = room.saturating_sub(used);
            let layout = match owner {
                Some(o) => {
                    // The subject and the owner share what is left after the gap between.
                    let left = left.saturating_sub(gap);
                    let share = o.min(12).min(left / 3);
                    let subject = w.subject.min(left.saturating_sub(share));
                    let owner_width = o.min(left.saturating_sub(subject));
                    StepLayout {
                        weekday,
                        kind,
                        owner: owner_width >= o.min(4),
                        subject,
                        owner_width,
                    }
                }
                None => StepLayout {
                    weekday,
                    kind,
                    owner: false,
                    subject: w.subject.min(left),
                    owner_width: 0,
                },
            };
            last = layout;
            if layout.subject >= wanted && layout.owner == owner.is_some() {
                return layout;
            }
        }
        StepLayout {
            subject: last.subject.max(1),
            ..last
        }
    }
}

impl NextSteps {
    /// The lines of the card's `Next steps`: one per activity (its short reference, when it
    /// is due, its type, its subject, its owner), lined up; when the deal has more than fit,
    /// the last line says how many more and the command that lists them all (`reference`
    /// names the deal; the count alone when the command does not fit). The owner is left out
    /// when every line's is the deal's own (`deal_owner`, which the card shows above),
    /// compared ignoring case as everywhere. Within `room` (the card's value column), the
    /// owner, the type and the date's weekday give way before the subject is cut short (see
    /// [`StepLayout::fit`]).
    pub fn lines(
        &self,
        reference: &str,
        deal_owner: Option<&str>,
        room: Option<usize>,
    ) -> Vec<String> {
        let total = usize::try_from(self.pending).unwrap_or(usize::MAX);
        let most = self
            .most
            .unwrap_or(CARD_NEXT_STEPS)
            .clamp(2, CARD_NEXT_STEPS);
        let shown = if total > most { most - 1 } else { most };
        let shown = &self.soonest[..self.soonest.len().min(shown)];
        let short = |a: &Activity| {
            self.refs
                .get(&a.id)
                .cloned()
                .unwrap_or_else(|| a.id.to_string())
        };
        let widest = |f: &dyn Fn(&Activity) -> usize| shown.iter().map(f).max().unwrap_or(0);
        let owner = |a: &Activity| one_line(a.owner_id.as_deref().unwrap_or("-"));
        let owners_differ = shown
            .iter()
            .any(|a| match (a.owner_id.as_deref(), deal_owner) {
                (Some(a), Some(d)) => name_key(a) != name_key(d),
                (a, d) => a != d,
            });
        let widths = StepWidths {
            reference: widest(&|a| short(a).len()),
            due: widest(&|a| due_text(a).len()),
            due_bare: widest(&|a| due_bare(a).len()),
            kind: widest(&|a| a.kind.as_str().len()),
            subject: widest(&|a| one_line(&a.subject).width()),
            owner: owners_differ.then(|| widest(&|a| owner(a).width())),
        };
        let layout = StepLayout::fit(&widths, room);
        let (ref_width, kind_width) = (widths.reference, widths.kind);
        let (due, due_width): (fn(&Activity) -> String, usize) = match layout.weekday {
            true => (due_text, widths.due),
            false => (due_bare, widths.due_bare),
        };
        let mut lines: Vec<String> = shown
            .iter()
            .map(|a| {
                let mut line = format!("{:<ref_width$}{GAP}{:<due_width$}", short(a), due(a));
                if layout.kind {
                    line.push_str(&format!("{GAP}{:<kind_width$}", a.kind.as_str()));
                }
                let subject = cut(&one_line(&a.subject), layout.subject);
                line.push_str(GAP);
                line.push_str(&pad(&subject, layout.subject));
                if layout.owner {
                    line.push_str(GAP);
                    line.push_str(&cut(&owner(a), layout.owner_width));
                }
                line.trim_end().to_string()
            })
            .collect();
        if total > shown.len() {
            let more = total - shown.len();
            let command = format!("+{more} more: rex activity list --deal {reference}");
            lines.push(match room {
                Some(room) if command.width() > room => format!("+{more} more"),
                _ => command,
            });
        }
        lines
    }
}

const GAP: &str = "  ";

/// Text padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{ActivityId, DealId};
    use crate::record::ActivityType;

    fn pending(subject: &str, day: &str, time: Option<&str>, owner: &str) -> Activity {
        Activity {
            id: ActivityId::new(),
            deal_id: DealId::new(),
            kind: ActivityType::Meeting,
            subject: subject.into(),
            due_date: day.parse().unwrap(),
            due_time: time.map(|t| t.parse().unwrap()),
            duration_minutes: None,
            owner_id: Some(owner.into()),
            note: None,
            done: false,
            done_at: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn with_refs(soonest: Vec<Activity>, pending: i64) -> NextSteps {
        let refs = ["a1b2c3d", "e4f5g6h", "j7k8m9n"];
        NextSteps {
            refs: soonest
                .iter()
                .zip(refs)
                .map(|(a, r)| (a.id, r.to_string()))
                .collect(),
            soonest,
            pending,
            most: None,
        }
    }

    /// Was: at 60 columns the reference left one column for the subject and the owner, so
    /// each line was `…` and wrapped, and the card outgrew 24 lines.
    #[test]
    fn on_a_narrow_card_the_owner_then_the_type_give_way_before_the_subject() {
        let steps = with_refs(
            vec![
                pending("Lunch", "2026-03-06", None, "bo"),
                pending(
                    "Call the CTO",
                    "2026-03-06",
                    Some("14:00"),
                    "ana@example.com",
                ),
            ],
            12,
        );
        // 60 columns less a 14-column key column and the padding: 41.
        let lines = steps.lines("g2c1y1e", Some("ana@example.com"), Some(41));
        assert_eq!(
            lines,
            [
                "a1b2c3d  Fri 2026-03-06        Lunch",
                "e4f5g6h  Fri 2026-03-06 14:00  Call the …",
                // The command does not fit: the count alone, never a cut reference.
                "+10 more",
            ]
        );
        // A little wider: the type is back; the owner still gives way.
        let lines = steps.lines("g2c1y1e", Some("ana@example.com"), Some(52));
        assert_eq!(
            lines[1],
            "e4f5g6h  Fri 2026-03-06 14:00  meeting  Call the CTO"
        );
        assert_eq!(lines[2], "+10 more: rex activity list --deal g2c1y1e");
        // Owners are compared ignoring case, as everywhere: the deal owner's own steps
        // name nobody.
        let own = with_refs(
            vec![
                pending(
                    "Call about the budget",
                    "2026-03-05",
                    None,
                    "ana@example.com",
                ),
                pending("Send contract", "2026-03-05", None, "Ana@Example.com"),
            ],
            2,
        );
        let lines = own.lines("g2c1y1e", Some("ANA@example.com"), Some(61));
        assert_eq!(
            lines[0],
            "a1b2c3d  Thu 2026-03-05  meeting  Call about the budget"
        );
        // What a short subject does not need goes to the owner (was: padding the subject
        // while the owners were cut to `ana@e…`).
        let lines = steps.lines("g2c1y1e", Some("cy"), Some(62));
        assert_eq!(
            lines[..2],
            [
                "a1b2c3d  Fri 2026-03-06        meeting  Lunch         bo",
                "e4f5g6h  Fri 2026-03-06 14:00  meeting  Call the CTO  ana@exa…",
            ]
        );
        // A short owner is shown whole while the subject gives way (was: left out below
        // four columns, the one sign that the step is not the deal owner's).
        let short_owner = with_refs(
            vec![
                pending(
                    "Overdue call with a long subject",
                    "2025-12-01",
                    Some("09:00"),
                    "bo",
                ),
                pending("Today", "2026-03-05", None, "ana"),
            ],
            2,
        );
        let lines = short_owner.lines("g2c1y1e", Some("ana"), Some(61));
        assert_eq!(
            lines[0],
            "a1b2c3d  Mon 2025-12-01 09:00  meeting  Overdue call wi…  bo"
        );
        // Narrower than a 60-column card: the weekday goes too, the date stays whole.
        let lines = steps.lines("g2c1y1e", Some("ana@example.com"), Some(37));
        assert_eq!(lines[1], "e4f5g6h  2026-03-06 14:00  Call the …");
        for room in 0..90 {
            for line in steps.lines("g2c1y1e", Some("cy"), Some(room)) {
                // Wider only where the reference and the date alone are.
                assert!(line.width() <= room.max(29 + 2 + 1), "{room}: {line}");
            }
        }
    }

    #[test]
    fn a_cards_next_steps_line_up_within_its_width_and_say_how_many_more() {
        let long = "Walk the procurement team through the security questionnaire answers";
        let steps = NextSteps {
            soonest: vec![
                pending("Kickoff", "2026-03-04", None, "ana"),
                pending(
                    long,
                    "2026-03-05",
                    Some("14:00"),
                    "anastasia.konstantinopoulou",
                ),
                pending("Third", "2026-03-06", None, "bo"),
            ],
            pending: 3,
            refs: Default::default(),
            most: None,
        };
        let refs: Vec<String> = ["a1b2c3d", "e4f5g6h", "j7k8m9n"].map(String::from).into();
        let steps = NextSteps {
            refs: steps
                .soonest
                .iter()
                .map(|a| a.id)
                .zip(refs.iter().cloned())
                .collect(),
            ..steps
        };
        let lines = steps.lines("3kq9v2x", Some("ana"), Some(61));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            format!(
                "a1b2c3d  Wed 2026-03-04        meeting  Kickoff{}ana",
                " ".repeat(8)
            )
        );
        // The owner gives way to a third of what is left, the subject takes the rest.
        assert_eq!(
            lines[1],
            "e4f5g6h  Thu 2026-03-05 14:00  meeting  Walk the pro…  anast…"
        );
        assert!(lines.iter().all(|l| l.width() <= 61), "{lines:?}");
        // Whole without a width.
        assert!(steps.lines("3kq9v2x", Some("ana"), None)[1].contains(long));
        // Every one the deal owner's: no owner, and the subject has its room.
        let own = NextSteps {
            soonest: vec![
                pending("Kickoff", "2026-03-04", None, "ana"),
                pending(long, "2026-03-05", Some("14:00"), "ana"),
            ],
            pending: 2,
            refs: Default::default(),
            most: None,
        };
        let own = NextSteps {
            refs: own.soonest.iter().map(|a| a.id).zip(refs).collect(),
            ..own
        };
        let lines = own.lines("3kq9v2x", Some("ana"), Some(61));
        assert_eq!(
            lines[1],
            "e4f5g6h  Thu 2026-03-05 14:00  meeting  Walk the procurement…"
        );
        assert!(lines.iter().all(|l| !l.contains("ana")), "{lines:?}");
        // More than fit: the soonest two, then how to list them all.
        let more = NextSteps {
            pending: 7,
            ..steps
        };
        let lines = more.lines("3kq9v2x", Some("ana"), Some(61));
        assert_eq!(lines.len(), CARD_NEXT_STEPS);
        assert_eq!(lines[2], "+5 more: rex activity list --deal 3kq9v2x");
    }
}
