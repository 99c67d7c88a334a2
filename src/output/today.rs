//! `rex today`: the morning's activities and deals. At a terminal, one screen with the most
//! urgent section first; for scripts, one flat list of deals (or, asked for alone, of
//! activities) with a `section` column (JSON keeps a key per section).

use comfy_table::Cell;
use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use unicode_width::UnicodeWidthStr;

use super::fit::ellipsis as cut;
use super::today_activities::{Planned, TodayActivityRow};
use super::views::{
    close_date, deal_fields_and, money, opt, reference, requested, text, DealView, Labels,
};
use super::{one_line, value_of, ActivityView, Column, Fit, Record, Style};
use crate::money::dollars;
use crate::ops::board::{Rows, Section, Today};

/// The morning's sections asked for, most urgent first: the activities due, then the deals,
/// each in the first deal section that applies, then the deals without a next step.
/// Serializes as `{"activities_overdue": [ACTIVITY...], ..., "overdue": [DEAL...], ...}`.
#[derive(Debug, Clone)]
pub struct TodayView {
    pub sections: Vec<(Section, SectionRows)>,
    /// Whether rows name the owner: not when every deal is the reader's own.
    pub owner_column: bool,
    /// The lines the screen has, when the view is to fit it; None shows every row.
    pub height: Option<usize>,
    /// The command that shows the same deals (`rex today --all`), for the line that says
    /// how to see what did not fit.
    pub command: String,
    /// The fields each row is narrowed to in JSON (`--fields`), if any.
    pub fields: Option<Vec<String>>,
}

/// What a section of today shows: activities, each with its deal's name, or deals.
#[derive(Debug, Clone)]
pub enum SectionRows {
    Activities(Vec<ActivityView>),
    Deals(Vec<DealView>),
}

impl SectionRows {
    pub fn len(&self) -> usize {
        match self {
            SectionRows::Activities(a) => a.len(),
            SectionRows::Deals(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Each of `rows` as a JSON object of only `fields` (a field it does not have is null).
fn narrowed<R: Record>(
    rows: impl Iterator<Item = R>,
    fields: &[String],
) -> crate::error::Result<Vec<serde_json::Map<String, serde_json::Value>>> {
    rows.map(|row| {
        let value = value_of(&row)?;
        Ok(fields
            .iter()
            .map(|f| {
                let v = match value.get(f) {
                    Some(v) => v.clone(),
                    None => row.requested(f),
                };
                (f.clone(), v)
            })
            .collect())
    })
    .collect()
}

impl Serialize for TodayView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.sections.len()))?;
        for (section, rows) in &self.sections {
            let key = section.key();
            match (&self.fields, rows) {
                (None, SectionRows::Deals(deals)) => map.serialize_entry(key, deals)?,
                (None, SectionRows::Activities(a)) => map.serialize_entry(key, a)?,
                (Some(fields), SectionRows::Deals(deals)) => {
                    let rows = deals.iter().map(|deal| TodayRow {
                        deal: deal.clone(),
                        section: key,
                    });
                    map.serialize_entry(key, &narrowed(rows, fields).map_err(S::Error::custom)?)?
                }
                (Some(fields), SectionRows::Activities(a)) => {
                    let rows = a.iter().map(|activity| TodayActivityRow {
                        activity: activity.clone(),
                        section: key,
                    });
                    map.serialize_entry(key, &narrowed(rows, fields).map_err(S::Error::custom)?)?
                }
            }
        }
        map.end()
    }
}

/// A deal of today in a flat list (TSV, CSV, JSON Lines, ids): the deal's fields, then
/// the section it is in.
#[derive(Debug, Clone, Serialize)]
pub struct TodayRow {
    #[serde(flatten)]
    pub deal: DealView,
    pub section: &'static str,
}

/// Today's fields: the deal's, then its section.
const TODAY_FIELDS: [&str; crate::record::SHOWN_DEAL_FIELD_NAMES.len() + 1] =
    deal_fields_and(["section"]);

impl Record for TodayRow {
    const FIELDS: &'static [&'static str] = &TODAY_FIELDS;
    /// A deal's fields printed on request (`value_dollars`), as `deal list` prints them.
    const ON_REQUEST: &'static [&'static str] = &crate::record::REQUESTED_DEAL_FIELD_NAMES;
    fn requested(&self, field: &str) -> serde_json::Value {
        requested(&self.deal, field)
    }
    fn id(&self) -> String {
        self.deal.deal.id.to_string()
    }

    /// The columns `--fields` picks from at a table (the screen itself is [`TodayView`]).
    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("section", "Section", |r: &TodayRow, _| Cell::new(r.section)),
            Column::new("ref", "Ref", |r: &TodayRow, _| reference(&r.deal)),
            Column::new("name", "Name", |r: &TodayRow, _| text(&r.deal.deal.name))
                .fit(Fit::Text(0)),
            Column::new("value", "Value", |r: &TodayRow, _| {
                money(r.deal.deal.value.get())
            }),
            Column::new("pipeline_id", "Pipeline", |r: &TodayRow, _| {
                text(&r.deal.pipeline_name)
            }),
            Column::new("stage_id", "Stage", |r: &TodayRow, _| {
                text(&r.deal.stage_name)
            }),
            Column::new("owner_id", "Owner", |r: &TodayRow, _| {
                opt(&r.deal.deal.owner_id)
            }),
            Column::new("expected_close", "Close", |r: &TodayRow, s| {
                close_date(&r.deal.deal, s)
            }),
        ]
    }
}

impl TodayView {
    /// The sections asked for (all when `only` is empty), most urgent first, their deals
    /// named by `labels`: what `rex today -o json` prints and `GET /today` answers.
    pub fn sections(
        today: Today,
        only: &[Section],
        labels: &Labels,
    ) -> Vec<(Section, SectionRows)> {
        let mut next = today.next.clone();
        today
            .sections(only)
            .into_iter()
            .map(|(section, rows)| {
                let rows = match rows {
                    Rows::Deals(deals) => SectionRows::Deals(
                        deals
                            .into_iter()
                            .map(|d| DealView::labelled(d, labels, &mut next))
                            .collect(),
                    ),
                    Rows::Activities(a) => {
                        SectionRows::Activities(a.into_iter().map(ActivityView::new).collect())
                    }
                };
                (section, rows)
            })
            .collect()
    }

    /// Every row of `sections`, for a script: nothing fitted to a screen, no fields left out.
    pub fn whole(sections: Vec<(Section, SectionRows)>) -> TodayView {
        TodayView {
            sections,
            owner_column: true,
            height: None,
            command: String::new(),
            fields: None,
        }
    }

    /// The deals of the deal sections as one flat list, section by section.
    pub fn rows(self) -> Vec<TodayRow> {
        self.sections
            .into_iter()
            .flat_map(|(section, rows)| match rows {
                SectionRows::Deals(deals) => deals
                    .into_iter()
                    .map(|deal| TodayRow {
                        deal,
                        section: section.key(),
                    })
                    .collect(),
                SectionRows::Activities(_) => Vec::new(),
            })
            .collect()
    }

    /// The activities of the activity sections as one flat list, section by section.
    pub fn activity_rows(self) -> Vec<TodayActivityRow> {
        self.sections
            .into_iter()
            .flat_map(|(section, rows)| match rows {
                SectionRows::Activities(a) => a
                    .into_iter()
                    .map(|activity| TodayActivityRow {
                        activity,
                        section: section.key(),
                    })
                    .collect(),
                SectionRows::Deals(_) => Vec::new(),
            })
            .collect()
    }
}

impl Record for TodayView {
    const FIELDS: &'static [&'static str] = &[
        "activities_overdue",
        "activities_today",
        "overdue",
        "closing_soon",
        "stalled",
        "going_stale",
        "no_next_step",
    ];
    fn id(&self) -> String {
        String::new()
    }

    fn columns() -> Vec<Column<Self>> {
        Vec::new()
    }

    fn text(&self, style: &Style) -> Option<String> {
        Some(screen(self, style))
    }
}

/// A section's heading: what it holds.
fn title(section: Section) -> &'static str {
    match section {
        Section::ActivitiesOverdue => "Overdue activities",
        Section::ActivitiesToday => "Activities due today",
        Section::Overdue => "Overdue",
        Section::ClosingSoon => "Closing within 7 days",
        Section::Stalled => "Stalled",
        Section::GoingStale => "Going stale within 3 days",
        Section::NoNextStep => "No next step",
    }
}

/// A section's heading with its count, and its deals' value: `Overdue: 2 deals,
/// $14,000.00`, `Activities due today: 3`, `Stalled: none`.
fn heading(section: Section, rows: &SectionRows) -> String {
    match rows {
        rows if rows.is_empty() => format!("{}: none", title(section)),
        SectionRows::Activities(a) => format!("{}: {}", title(section), a.len()),
        SectionRows::Deals(deals) => {
            let total: i128 = deals.iter().map(|d| i128::from(d.deal.value.get())).sum();
            let noun = if deals.len() == 1 { "deal" } else { "deals" };
            format!(
                "{}: {} {noun}, {}",
                title(section),
                deals.len(),
                dollars(total)
            )
        }
    }
}

/// How many deals of each section a screen of `lines` lines shows, most urgent first.
/// Every section has its heading; a section shown in part ends with a line saying how many
/// more it has, and the lines of the sections after it are kept for their own such line,
/// so that every heading stays on screen and the first sections get the rows.
fn rows_that_fit(counts: &[usize], lines: Option<usize>) -> Vec<usize> {
    let Some(lines) = lines else {
        return counts.to_vec();
    };
    let mut left = lines.saturating_sub(counts.len());
    let mut shown = Vec::with_capacity(counts.len());
    for (i, &n) in counts.iter().enumerate() {
        let later = counts[i + 1..].iter().filter(|n| **n > 0).count();
        let room = left.saturating_sub(later);
        let k = if n <= room { n } else { room.saturating_sub(1) };
        left = left.saturating_sub(k + usize::from(k < n));
        shown.push(k);
    }
    shown
}

/// Today as a person reads it: a heading per section with its count (and its deals' value),
/// then its rows one line each, within the screen's height when it has one. A deal's line:
/// reference, name, value, stage, expected close; an activity's: reference, when it is
/// due, type, subject, deal; each with the owner when not all are the reader's.
fn screen(view: &TodayView, style: &Style) -> String {
    let counts: Vec<usize> = view.sections.iter().map(|(_, r)| r.len()).collect();
    // The line left for the prompt.
    let shown = rows_that_fit(&counts, view.height.map(|h| h.saturating_sub(1)));
    let mut deals: Vec<&DealView> = Vec::new();
    let mut activities: Vec<&ActivityView> = Vec::new();
    for ((_, rows), k) in view.sections.iter().zip(&shown) {
        match rows {
            SectionRows::Deals(d) => deals.extend(&d[..*k]),
            SectionRows::Activities(a) => activities.extend(&a[..*k]),
        }
    }
    let layout = Layout::new(&deals, view.owner_column, style.width);
    let today = crate::clock::local_day(style.now);
    let planned = Planned::new(&activities, view.owner_column, style);
    let mut out = Vec::new();
    for ((section, rows), k) in view.sections.iter().zip(shown) {
        out.push(paint(style, "1", &heading(*section, rows)));
        match rows {
            SectionRows::Deals(deals) => {
                out.extend(deals[..k].iter().map(|d| layout.row(d, style, today)));
            }
            SectionRows::Activities(a) => {
                out.extend(a[..k].iter().map(|a| planned.row(a, style)));
            }
        }
        if k < rows.len() {
            out.push(format!(
                "  +{} more: {} --section {}",
                rows.len() - k,
                view.command,
                section.key()
            ));
        }
    }
    out.join("\n")
}

/// Text in bold or a colour (an SGR code), when the terminal shows colour.
fn paint(style: &Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\u{1b}[{code}m{text}\u{1b}[0m")
    } else {
        text.to_string()
    }
}

/// The columns of today's rows, alike in every section so that they line up: references,
/// values and dates at their full width; the name, stage and owner share what is left.
struct Layout {
    reference: usize,
    name: usize,
    value: usize,
    stage: usize,
    close: usize,
    owner: Option<usize>,
}

const INDENT: &str = "  ";
const GAP: &str = "  ";

impl Layout {
    fn new(deals: &[&DealView], owner_column: bool, width: Option<usize>) -> Layout {
        let widest = |f: &dyn Fn(&DealView) -> usize| deals.iter().map(|d| f(d)).max();
        let reference = widest(&|d| reference_of(d).width()).unwrap_or(0);
        let value = widest(&|d| dollars(d.deal.value.get().into()).width()).unwrap_or(0);
        let close = if deals.iter().any(|d| d.deal.expected_close.is_some()) {
            10
        } else {
            0
        };
        let mut name = widest(&|d| one_line(&d.deal.name).width()).unwrap_or(0);
        let mut stage = widest(&|d| one_line(&d.stage_name).width()).unwrap_or(0);
        let mut owner = owner_column.then(|| {
            widest(&|d| one_line(d.deal.owner_id.as_deref().unwrap_or("")).width())
                .unwrap_or(0)
                .max("-".width())
        });
        if let Some(width) = width {
            // What never gives way: the indent, the reference, the value, the date and the
            // gaps between the columns.
            let gaps = GAP.len() * (3 + usize::from(close > 0) + usize::from(owner.is_some()));
            let fixed = INDENT.len() + reference + value + close + gaps;
            let room = width.saturating_sub(fixed);
            if name + stage + owner.unwrap_or(0) > room {
                // The stage and owner give way to at most 14 columns, then the name takes
                // the rest; on a very narrow screen all three share it.
                stage = stage.min(14);
                owner = owner.map(|o| o.min(14));
                let others = stage + owner.unwrap_or(0);
                if room >= others + 12 {
                    name = name.min(room - others);
                } else {
                    name = (room / 2).max(1);
                    let rest = room.saturating_sub(name);
                    match owner.as_mut() {
                        Some(o) => {
                            stage = (rest / 2).max(1);
                            *o = rest.saturating_sub(stage).max(1);
                        }
                        None => stage = rest.max(1),
                    }
                }
            }
        }
        Layout {
            reference,
            name,
            value,
            stage,
            close,
            owner,
        }
    }

    fn row(&self, v: &DealView, style: &Style, today: chrono::NaiveDate) -> String {
        let d = &v.deal;
        let mut line = format!(
            "{INDENT}{:<rw$}{GAP}{}{GAP}{:>vw$}{GAP}{}",
            reference_of(v),
            pad(&cut(&one_line(&d.name), self.name), self.name),
            dollars(d.value.get().into()),
            pad(&cut(&one_line(&v.stage_name), self.stage), self.stage),
            rw = self.reference,
            vw = self.value,
        );
        if self.close > 0 {
            let date = d
                .expected_close
                .map(crate::clock::format_date)
                .unwrap_or_default();
            let date = pad(&date, self.close);
            line.push_str(GAP);
            line.push_str(&if d.is_overdue(today) {
                paint(style, "31", &date)
            } else {
                date
            });
        }
        if let Some(width) = self.owner {
            let owner = one_line(d.owner_id.as_deref().unwrap_or("-"));
            line.push_str(GAP);
            line.push_str(&cut(&owner, width));
        }
        line.trim_end().to_string()
    }
}

/// The short reference a person types, or the id when none was worked out.
fn reference_of(v: &DealView) -> String {
    v.short_ref.clone().unwrap_or_else(|| v.deal.id.to_string())
}

/// Text padded with spaces to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_urgent_sections_get_the_rows_and_every_heading_stays() {
        // Everything fits: every deal shown.
        assert_eq!(rows_that_fit(&[2, 1, 0, 1], Some(23)), [2, 1, 0, 1]);
        assert_eq!(rows_that_fit(&[40, 9, 0, 3], None), [40, 9, 0, 3]);
        // 23 lines: 4 headings; overdue keeps a line for each later non-empty section's
        // "+N more" and its own: 23 - 4 - 2 - 1 = 16 rows.
        assert_eq!(rows_that_fit(&[40, 9, 0, 3], Some(23)), [16, 0, 0, 0]);
        // A later section that fits whole in what is left is shown whole.
        assert_eq!(rows_that_fit(&[10, 3, 1, 1], Some(23)), [10, 3, 1, 1]);
        assert_eq!(rows_that_fit(&[15, 3, 1, 1], Some(23)), [15, 1, 1, 1]);
        // Too few lines for anything but the headings and the "+N more" lines.
        assert_eq!(rows_that_fit(&[5, 5, 5, 5], Some(8)), [0, 0, 0, 0]);
    }
}
