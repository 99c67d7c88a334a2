//! Records to and from rows, the same for both backends: a deal becomes the values of its
//! row here ([`deal_row`]) and is read back here ([`deal`]); each backend only binds the
//! values and says how to read one cell as text or as an integer. A value rex cannot read
//! is a damaged database (exit 6), named by the row's stored id.

use std::str::FromStr;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::money::Cents;
use crate::record::{name_key, Deal, Metadata, Probability, Stage, StageStall};

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    /// SQL's NULL: a deal's field without a value.
    Null,
}

/// One result row, cell by cell. `Err` carries why a cell could not be read.
pub(crate) trait Cells {
    fn text(&self, i: usize) -> Result<Option<String>, String>;
    fn int(&self, i: usize) -> Result<Option<i64>, String>;
    /// Column 0 as text, whatever it holds: the stored id that names a damaged row.
    fn key(&self) -> String;
}

/// The deal columns, in the order [`deal`] reads them, of a deal table aliased `d`: the
/// deal's fields ([`crate::record::DEAL_FIELDS`]), as a test checks.
pub(crate) const DEAL_COLUMNS: &str =
    "d.id, d.name, d.value, d.status, d.contact_id, d.pipeline_id, d.stage_id, \
    d.expected_close, d.owner_id, d.metadata, d.created_at, d.updated_at, d.last_activity_at, \
    d.stage_entered_at, d.closed_at, d.close_reason, d.probability, d.origin";

/// The columns a deal is stored in, in the order of [`deal_row`]'s values: the deal's
/// fields, and the lower-cased name that name lookups search after its name.
pub(crate) const DEAL_ROW_COLUMNS: [&str; 19] = [
    "id",
    "name",
    "name_key",
    "value",
    "status",
    "contact_id",
    "pipeline_id",
    "stage_id",
    "expected_close",
    "owner_id",
    "metadata",
    "created_at",
    "updated_at",
    "last_activity_at",
    "stage_entered_at",
    "closed_at",
    "close_reason",
    "probability",
    "origin",
];

/// A deal as the values of its row, one per [`DEAL_ROW_COLUMNS`], as both backends bind
/// them when they write it.
pub(crate) fn deal_row(d: &Deal) -> Result<Vec<Arg>> {
    let text = |t: &str| Arg::Text(t.to_string());
    let opt = |t: &Option<String>| t.as_deref().map_or(Arg::Null, text);
    Ok(vec![
        Arg::Text(d.id.to_string()),
        text(&d.name),
        Arg::Text(name_key(&d.name)),
        Arg::Int(d.value.get()),
        text(d.status.as_str()),
        opt(&d.contact_id),
        Arg::Text(d.pipeline_id.to_string()),
        Arg::Text(d.stage_id.to_string()),
        d.expected_close
            .map_or(Arg::Null, |c| Arg::Text(crate::clock::format_date(c))),
        opt(&d.owner_id),
        Arg::Text(serde_json::to_string(&d.metadata)?),
        text(&d.created_at),
        text(&d.updated_at),
        text(&d.last_activity_at),
        text(&d.stage_entered_at),
        opt(&d.closed_at),
        opt(&d.close_reason),
        d.probability
            .map_or(Arg::Null, |p| Arg::Int(i64::from(p.get()))),
        opt(&d.origin),
    ])
}

/// The stage columns, in the order [`stage`] reads them.
pub(crate) const STAGE_COLUMNS: &str = "id, name, color, position, stall_days, probability";

/// A stored value rex cannot read: exit 6, naming the record (`kind`, its stored `key`).
pub(crate) fn damaged(kind: &str, key: &str, why: impl std::fmt::Display) -> Error {
    Error::Unusable(format!(
        "the database is damaged at {kind} '{key}' ({why}); restore a backup"
    ))
}

/// Reads cells of one row, naming the row when one cannot be read.
pub(crate) struct Reader<'a> {
    kind: &'static str,
    row: &'a dyn Cells,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(kind: &'static str, row: &'a dyn Cells) -> Reader<'a> {
        Reader { kind, row }
    }

    fn damaged(&self, why: impl std::fmt::Display) -> Error {
        damaged(self.kind, &self.row.key(), why)
    }

    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        self.row.text(i).map_err(|e| self.damaged(e))
    }

    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| self.damaged(format!("column {i} is empty")))
    }

    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        self.row.int(i).map_err(|e| self.damaged(e))
    }

    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| self.damaged(format!("column {i} is empty")))
    }

    /// A count or position, which cannot be negative.
    pub(crate) fn u32(&self, i: usize) -> Result<u32> {
        self.checked(u32::try_from(self.int(i)?).map_err(|e| e.to_string()))
    }

    /// A cell parsed as `T` (an id, a status).
    pub(crate) fn parsed<T: FromStr<Err = String>>(&self, i: usize) -> Result<T> {
        self.text(i)?.parse().map_err(|e: String| self.damaged(e))
    }

    pub(crate) fn checked<T>(&self, v: Result<T, String>) -> Result<T> {
        v.map_err(|e| self.damaged(e))
    }
}

/// A deal from the [`DEAL_COLUMNS`] of a row.
pub(crate) fn deal(row: &dyn Cells) -> Result<Deal> {
    let r = Reader::new("deal", row);
    Ok(Deal {
        id: r.parsed(0)?,
        name: r.text(1)?,
        value: r.checked(Cents::stored(r.int(2)?))?,
        status: r.parsed(3)?,
        contact_id: r.opt_text(4)?,
        pipeline_id: r.parsed(5)?,
        stage_id: r.parsed(6)?,
        expected_close: r
            .opt_text(7)?
            .map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| e.to_string()))
            .map(|d| r.checked(d))
            .transpose()?,
        owner_id: r.opt_text(8)?,
        metadata: r
            .checked(serde_json::from_str::<Metadata>(&r.text(9)?).map_err(|e| e.to_string()))?,
        created_at: r.text(10)?,
        updated_at: r.text(11)?,
        last_activity_at: r.text(12)?,
        stage_entered_at: r.text(13)?,
        closed_at: r.opt_text(14)?,
        close_reason: r.opt_text(15)?,
        probability: r
            .opt_int(16)?
            .map(|p| r.checked(Probability::new(p)))
            .transpose()?,
        origin: r.opt_text(17)?,
    })
}

/// A stage from the [`STAGE_COLUMNS`] of a row, from column `at` on.
pub(crate) fn stage(row: &dyn Cells, at: usize) -> Result<Stage> {
    let r = Reader::new("stage", row);
    let stall = r.opt_int(at + 4)?;
    Ok(Stage {
        id: r.parsed(at)?,
        name: r.text(at + 1)?,
        color: r
            .text(at + 2)?
            .parse()
            .unwrap_or_else(|_| crate::record::palette_color(0)),
        position: r.u32(at + 3)?,
        stall_days: match stall {
            None => StageStall::Pipeline,
            Some(0) => StageStall::Off,
            Some(_) => StageStall::Days(r.u32(at + 4)?),
        },
        probability: r.checked(Probability::new(r.int(at + 5)?))?,
    })
}

/// What a stage's stall period is stored as: NULL for the pipeline's, 0 for never.
pub(crate) fn stall_days(s: StageStall) -> Option<i64> {
    match s {
        StageStall::Pipeline => None,
        StageStall::Days(n) => Some(n.into()),
        StageStall::Off => Some(0),
    }
}

/// The pipeline columns, in the order [`pipeline`] reads them.
pub(crate) const PIPELINE_COLUMNS: &str = "id, name, stall_days, created_at, updated_at";

/// A pipeline from the [`PIPELINE_COLUMNS`] of a row, without its stages.
pub(crate) fn pipeline(row: &dyn Cells) -> Result<crate::record::Pipeline> {
    let r = Reader::new("pipeline", row);
    Ok(crate::record::Pipeline {
        id: r.parsed(0)?,
        name: r.text(1)?,
        stall_days: r.u32(2)?,
        created_at: r.text(3)?,
        updated_at: r.text(4)?,
        stages: Vec::new(),
    })
}

/// A history event from its columns: deal id, time, kind, details, actor.
pub(crate) fn event(row: &dyn Cells) -> Result<crate::record::Event> {
    let r = Reader::new("history entry of deal", row);
    let details = r.text(3)?;
    Ok(crate::record::Event {
        deal_id: r.parsed(0)?,
        at: r.text(1)?,
        kind: r.text(2)?,
        details: r.checked(serde_json::from_str(&details).map_err(|e| e.to_string()))?,
        actor: r.opt_text(4)?,
    })
}

/// A history event from the same columns, its details left as the stored text.
pub(crate) fn raw_event(row: &dyn Cells) -> Result<super::RawEvent> {
    let r = Reader::new("history entry of deal", row);
    Ok(super::RawEvent {
        deal_id: r.text(0)?,
        at: r.text(1)?,
        kind: r.text(2)?,
        details: r.text(3)?,
    })
}

/// A group of totals: key (an expected close date or NULL), count, value, weighted value
/// (each of the last two as the two columns of a wide sum).
pub(crate) fn totals(row: &dyn Cells) -> Result<(Option<NaiveDate>, super::Totals)> {
    let r = Reader::new("deal totals", row);
    let day = r
        .opt_text(0)?
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    Ok((
        day,
        super::Totals {
            count: r.int(1)?,
            value: super::wide_total(r.int(2)?, r.int(3)?),
            weighted: super::wide_total(r.int(4)?, r.int(5)?),
        },
    ))
}

/// One row of a stage's active totals ([`super::Pipelines::active_by_cents`]): status, cents,
/// count and the two columns of a wide sum.
pub(crate) fn cents_total(row: &dyn Cells) -> Result<super::CentsTotal> {
    let r = Reader::new("stage totals", row);
    Ok(super::CentsTotal {
        status: r.parsed(0)?,
        cents: r.int(1)?,
        deals: r.int(2)?,
        value: super::wide_total(r.int(3)?, r.int(4)?),
    })
}

/// A deal's id and its origin (id first, to name the row if damaged).
pub(crate) fn origin(row: &dyn Cells) -> Result<(String, crate::id::DealId)> {
    let r = Reader::new("deal", row);
    Ok((r.text(1)?, r.parsed(0)?))
}

/// A sum of closed deals from the columns of [`super::query::Dialect::closed_sums`]: a
/// deal of the group (to name it if the row is damaged), pipeline, status, owner, reason,
/// count, and value and cycle seconds as wide sums.
pub(crate) fn closed_sum(row: &dyn Cells) -> Result<super::ClosedSum> {
    let r = Reader::new("deal", row);
    Ok(super::ClosedSum {
        pipeline_id: r.parsed(1)?,
        won: r.text(2)? == "won",
        owner_id: r.opt_text(3)?,
        reason: r.opt_text(4)?,
        count: r.int(5)?,
        value: super::wide_total(r.int(6)?, r.int(7)?),
        cycle_seconds: super::wide_total(r.int(8)?, r.int(9)?),
    })
}

/// The end of an id as the `tail` column stores it: its last 16 characters, reversed.
pub(crate) fn tail(id: crate::id::DealId) -> String {
    tail_of(&id.to_string())
}

/// [`tail`] of an id read as text.
pub(crate) fn tail_of(id: &str) -> String {
    id.chars().rev().take(16).collect()
}

/// How many characters two ids share at their end (all of them, past any tail's 16).
pub(crate) fn common_end(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many characters `tail` (see [`tail`]) shares at its start with the nearer of its
/// `neighbours` in tail order: of all stored tails, those two share the most with it.
pub(crate) fn shared_end(tail: &str, neighbours: [Option<String>; 2]) -> usize {
    neighbours
        .iter()
        .map(|other| {
            other.as_ref().map_or(0, |o| {
                o.chars()
                    .zip(tail.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
        })
        .max()
        .unwrap_or(0)
}

/// Events read in deal order, handed on a deal's whole history at a time.
pub(crate) struct Histories<'a> {
    each: &'a mut dyn FnMut(Vec<super::RawEvent>) -> Result<()>,
    current: Vec<super::RawEvent>,
}

impl<'a> Histories<'a> {
    pub(crate) fn new(each: &'a mut dyn FnMut(Vec<super::RawEvent>) -> Result<()>) -> Self {
        Histories {
            each,
            current: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, e: super::RawEvent) -> Result<()> {
        if self.current.first().is_some_and(|f| f.deal_id != e.deal_id) {
            (self.each)(std::mem::take(&mut self.current))?;
        }
        self.current.push(e);
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        if self.current.is_empty() {
            return Ok(());
        }
        (self.each)(std::mem::take(&mut self.current))
    }
}

/// A pipeline's summary from the columns of [`super::query::SUMMARY_SQL`], its deals not yet
/// counted.
pub(crate) fn summary(row: &dyn Cells) -> Result<super::PipelineSummary> {
    let r = Reader::new("pipeline", row);
    Ok(super::PipelineSummary {
        id: r.parsed(0)?,
        name: r.text(1)?,
        stall_days: r.u32(2)?,
        stage_count: r.int(3)?,
        created_at: r.text(4)?,
        updated_at: r.text(5)?,
        open_count: 0,
        open_value: 0,
        active_count: 0,
        active_value: 0,
        stalled_count: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::DEAL_FIELD_NAMES;

    #[test]
    fn deal_columns_are_the_deal_fields() {
        let read: Vec<&str> = DEAL_COLUMNS
            .split(',')
            .map(|c| c.trim().trim_start_matches("d."))
            .collect();
        assert_eq!(read, DEAL_FIELD_NAMES);
        let mut written: Vec<&str> = DEAL_FIELD_NAMES.to_vec();
        written.insert(2, "name_key");
        assert_eq!(DEAL_ROW_COLUMNS.to_vec(), written);
    }

    /// A row as [`deal_row`] writes it, read through [`Cells`] as a backend returns it.
    struct Written(Vec<Arg>);

    impl Cells for Written {
        fn text(&self, i: usize) -> Result<Option<String>, String> {
            match &self.0[i] {
                Arg::Text(t) => Ok(Some(t.clone())),
                Arg::Null => Ok(None),
                Arg::Int(n) => Err(format!("column {i} holds the integer {n}")),
            }
        }
        fn int(&self, i: usize) -> Result<Option<i64>, String> {
            match &self.0[i] {
                Arg::Int(n) => Ok(Some(*n)),
                Arg::Null => Ok(None),
                Arg::Text(t) => Err(format!("column {i} holds the text {t}")),
            }
        }
        fn key(&self) -> String {
            self.text(0).ok().flatten().unwrap_or_default()
        }
    }

    /// What [`deal_row`] writes, [`deal`] reads back as the same deal: every field set, and
    /// every optional one empty.
    #[test]
    fn a_deal_row_reads_back_as_the_deal() {
        let full = Deal {
            id: crate::id::DealId::new(),
            name: "Acme Corp".into(),
            value: Cents::new(123_456).unwrap(),
            status: crate::record::Status::Won,
            contact_id: Some("ana@acme.test".into()),
            pipeline_id: crate::id::PipelineId::new(),
            stage_id: crate::id::StageId::new(),
            expected_close: NaiveDate::from_ymd_opt(2026, 4, 30),
            owner_id: Some("bo".into()),
            metadata: serde_json::from_str(r#"{"a":1,"b":{"c":[true,null]}}"#).unwrap(),
            created_at: "2026-03-01T09:00:00Z".into(),
            updated_at: "2026-03-02T09:00:00Z".into(),
            last_activity_at: "2026-03-03T09:00:00Z".into(),
            stage_entered_at: "2026-03-04T09:00:00Z".into(),
            closed_at: Some("2026-03-05T09:00:00Z".into()),
            close_reason: Some("price".into()),
            probability: Some(Probability::new(35).unwrap()),
            origin: Some("hubspot:123".into()),
        };
        let empty = Deal {
            status: crate::record::Status::Open,
            contact_id: None,
            expected_close: None,
            owner_id: None,
            metadata: Metadata::new(),
            closed_at: None,
            close_reason: None,
            probability: None,
            origin: None,
            ..full.clone()
        };
        for d in [full, empty] {
            let mut row = deal_row(&d).unwrap();
            assert_eq!(row.len(), DEAL_ROW_COLUMNS.len());
            assert_eq!(row.remove(2), Arg::Text(name_key(&d.name)));
            assert_eq!(deal(&Written(row)).unwrap(), d);
        }
    }
}
