//! `report stages`: the funnel of a pipeline, read from every deal's history: how many
//! deals entered each stage, how many went further, and how long they stayed.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{days1, ratio4, share, start_of};
use crate::clock::parse_timestamp;
use crate::error::Result;
use crate::id::StageId;
use crate::ops::lookup::pipeline_or_only;
use crate::record::{event, Color, Status};
use crate::store::{damaged, RawEvent, Tx};

/// One stage of `report stages`: the funnel through it.
#[derive(Debug, Clone, Serialize)]
pub struct FunnelRow {
    pub stage_id: StageId,
    pub name: String,
    pub position: u32,
    pub entered: i64,
    pub advanced: i64,
    pub conversion: Option<f64>,
    pub won: i64,
    pub lost: i64,
    pub average_days: Option<f64>,
    pub median_days: Option<f64>,
    pub active_count: i64,
    #[serde(skip)]
    pub color: Color,
    /// Entered as a share of the stage that most deals entered (for the bar).
    #[serde(skip)]
    pub share: f64,
}

/// What a history entry says about where its deal went: the fields `report stages` reads.
#[derive(Default, Deserialize)]
struct StageDetails<'a> {
    #[serde(borrow)]
    pipeline_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stage_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_pipeline_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_stage_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
}

impl<'a> StageDetails<'a> {
    /// The entry's details; a field that is not text counts as missing.
    fn of(e: &'a RawEvent) -> Result<StageDetails<'a>> {
        if let Ok(d) = serde_json::from_str(&e.details) {
            return Ok(d);
        }
        let v: serde_json::Value = serde_json::from_str(&e.details)
            .map_err(|why| damaged("history entry of deal", &e.deal_id, why))?;
        let text = |k: &str| {
            v.get(k)
                .and_then(|t| t.as_str())
                .map(|t| Cow::Owned(t.to_string()))
        };
        Ok(StageDetails {
            pipeline_id: text("pipeline_id"),
            stage_id: text("stage_id"),
            to_pipeline_id: text("to_pipeline_id"),
            to_stage_id: text("to_stage_id"),
            status: text("status"),
        })
    }
}

/// What one deal's history says about the stages of one pipeline.
#[derive(Default)]
struct Funnel {
    entered: HashMap<StageId, i64>,
    advanced: HashMap<StageId, i64>,
    won: HashMap<StageId, i64>,
    lost: HashMap<StageId, i64>,
    /// Completed stays, in seconds, per stage.
    stays: HashMap<StageId, Vec<i64>>,
}

/// The funnel of a pipeline (the only one when none is named), for deals that entered its
/// stages on or after the local day `since`.
pub fn funnel(
    tx: &dyn Tx,
    pipeline: Option<&str>,
    since: Option<NaiveDate>,
) -> Result<Vec<FunnelRow>> {
    let p = pipeline_or_only(tx, pipeline)?;
    let since = since.map(start_of);
    let position: HashMap<StageId, u32> = p.stages.iter().map(|s| (s.id, s.position)).collect();
    let pid = p.id.to_string();
    let mut funnel = Funnel::default();
    tx.for_each_history(&mut |events| {
        // Where the deal is (in this pipeline or not), since when, and what it entered.
        let mut here: Option<StageId> = None;
        let mut stay_from: Option<String> = None;
        let mut entered: Vec<StageId> = Vec::new();
        let mut advanced: Vec<StageId> = Vec::new();
        let mut status = Status::Open;
        let mut stays: Vec<(StageId, i64)> = Vec::new();
        let counts = |at: &str| since.as_deref().is_none_or(|s| at >= s);
        let end_stay = |here: Option<StageId>,
                        from: &Option<String>,
                        to: &str,
                        stays: &mut Vec<(StageId, i64)>| {
            if let (Some(stage), Some(from)) = (here, from) {
                if counts(from) {
                    if let (Some(a), Some(b)) = (parse_timestamp(from), parse_timestamp(to)) {
                        stays.push((stage, (b - a).num_seconds().max(0)));
                    }
                }
            }
        };
        // The stage an entry puts the deal in, when it is one of this pipeline's.
        let into = |pipeline: Option<Cow<str>>, stage: Option<Cow<str>>| {
            (pipeline.as_deref() == Some(pid.as_str()))
                .then(|| stage.and_then(|s| s.parse().ok()))
                .flatten()
        };
        for e in &events {
            match e.kind.as_str() {
                event::CREATED => {
                    let d = StageDetails::of(e)?;
                    here = into(d.pipeline_id, d.stage_id);
                    stay_from = Some(e.at.clone());
                    if let Some(s) = here {
                        if counts(&e.at) && !entered.contains(&s) {
                            entered.push(s);
                        }
                    }
                }
                event::MOVED => {
                    end_stay(here, &stay_from, &e.at, &mut stays);
                    let d = StageDetails::of(e)?;
                    here = into(d.to_pipeline_id, d.to_stage_id);
                    stay_from = Some(e.at.clone());
                    if let Some(s) = here {
                        let to = position.get(&s).copied().unwrap_or(0);
                        for earlier in &entered {
                            if position.get(earlier).is_some_and(|p| *p < to)
                                && !advanced.contains(earlier)
                            {
                                advanced.push(*earlier);
                            }
                        }
                        if counts(&e.at) && !entered.contains(&s) {
                            entered.push(s);
                        }
                    }
                }
                event::CLOSED => {
                    end_stay(here, &stay_from, &e.at, &mut stays);
                    stay_from = None;
                    status = if StageDetails::of(e)?.status.as_deref() == Some("won") {
                        advanced.clone_from(&entered);
                        Status::Won
                    } else {
                        Status::Lost
                    };
                }
                event::REOPENED => {
                    status = Status::Open;
                    stay_from = Some(e.at.clone());
                }
                _ => {}
            }
        }
        for s in entered {
            *funnel.entered.entry(s).or_default() += 1;
            if advanced.contains(&s) {
                *funnel.advanced.entry(s).or_default() += 1;
            }
            match status {
                Status::Won => *funnel.won.entry(s).or_default() += 1,
                Status::Lost => *funnel.lost.entry(s).or_default() += 1,
                _ => {}
            }
        }
        for (s, secs) in stays {
            funnel.stays.entry(s).or_default().push(secs);
        }
        Ok(())
    })?;
    let active = crate::ops::totals::board(tx, &p)?;
    let mut rows: Vec<FunnelRow> = p
        .stages
        .iter()
        .zip(active)
        .map(|(s, counts)| {
            let entered = funnel.entered.get(&s.id).copied().unwrap_or(0);
            let advanced = funnel.advanced.get(&s.id).copied().unwrap_or(0);
            let mut stays = funnel.stays.remove(&s.id).unwrap_or_default();
            stays.sort_unstable();
            let n = stays.len() as i128;
            let average_days =
                (n > 0).then(|| days1(stays.iter().map(|x| i128::from(*x)).sum(), n));
            let median_days = (n > 0).then(|| {
                let mid = stays.len() / 2;
                if stays.len() % 2 == 1 {
                    days1(i128::from(stays[mid]), 1)
                } else {
                    days1(i128::from(stays[mid - 1]) + i128::from(stays[mid]), 2)
                }
            });
            FunnelRow {
                stage_id: s.id,
                name: s.name.clone(),
                position: s.position,
                entered,
                advanced,
                conversion: ratio4(advanced.into(), entered.into()),
                won: funnel.won.get(&s.id).copied().unwrap_or(0),
                lost: funnel.lost.get(&s.id).copied().unwrap_or(0),
                average_days,
                median_days,
                active_count: counts.open_count + counts.stalled_count,
                color: s.color.clone(),
                share: 0.0,
            }
        })
        .collect();
    let most = rows.iter().map(|r| r.entered).max().unwrap_or(0);
    for r in &mut rows {
        r.share = share(r.entered.into(), most.into());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(details: &str) -> RawEvent {
        RawEvent {
            deal_id: "deal_x".into(),
            at: "2026-03-01T09:00:00Z".into(),
            kind: event::MOVED.into(),
            details: details.into(),
        }
    }

    #[test]
    fn stage_details_read_text_fields_and_treat_others_as_missing() {
        let e = entry(r#"{"to_pipeline_id":"p\u0031","to_stage_id":"s","note":[1]}"#);
        let d = StageDetails::of(&e).unwrap();
        assert_eq!(
            (
                d.to_pipeline_id.as_deref(),
                d.to_stage_id.as_deref(),
                d.status
            ),
            (Some("p1"), Some("s"), None)
        );
        // A field that is not text (here a number) reads as missing, the rest as written.
        let e = entry(r#"{"to_pipeline_id":7,"to_stage_id":"s"}"#);
        let d = StageDetails::of(&e).unwrap();
        assert_eq!(
            (d.to_pipeline_id, d.to_stage_id.as_deref()),
            (None, Some("s"))
        );
        let e = entry(r#"[1, 2]"#);
        assert!(StageDetails::of(&e).unwrap().to_stage_id.is_none());
        let e = entry(r#"{"to_stage_id":"#);
        let err = StageDetails::of(&e).err().unwrap().to_string();
        assert!(
            err.starts_with("the database is damaged at history entry of deal 'deal_x' ("),
            "{err}"
        );
    }
}
