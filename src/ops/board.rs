//! The views a salesperson opens first: the board (a pipeline's stages with their active
//! deals, largest first) and today (the activities due and the deals that need attention
//! this morning).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::activity::{self, ActivityQuery, Listed, Owners};
use super::deal::next_steps;
use super::lookup::pipeline_or_only;
use crate::clock::{timestamp, Clock};
use crate::error::Result;
use crate::id::DealId;
use crate::record::{Deal, NextActivity, Pipeline, Stage, Status};
use crate::store::{DealFilter, DealSort, Tx};

/// A pipeline's stages with their active deals.
#[derive(Debug, Clone)]
pub struct Board {
    pub pipeline: Pipeline,
    pub stages: Vec<StageDeals>,
    /// The next step of each deal listed that has one.
    pub next: HashMap<DealId, NextActivity>,
}

/// One stage of the board: `count` and `value` cover every active deal of the stage,
/// `deals` the largest of them (at most the limit).
#[derive(Debug, Clone)]
pub struct StageDeals {
    pub stage: Stage,
    pub count: i64,
    pub value: i128,
    pub deals: Vec<Deal>,
}

/// The board of a pipeline (the only one when none is named), of one owner's deals or
/// everyone's. `limit` says how many deals each stage lists at most (None: all of them).
pub fn board(
    tx: &dyn Tx,
    pipeline: Option<&str>,
    owner: Option<&str>,
    limit: Option<usize>,
) -> Result<Board> {
    let p = pipeline_or_only(tx, pipeline)?;
    let mut stages = Vec::with_capacity(p.stages.len());
    for stage in &p.stages {
        let (count, value, deals) = tx.stage_active(stage.id, owner, limit)?;
        stages.push(StageDeals {
            stage: stage.clone(),
            count,
            value,
            deals,
        });
    }
    let ids: Vec<DealId> = stages
        .iter()
        .flat_map(|s| s.deals.iter().map(|d| d.id))
        .collect();
    Ok(Board {
        pipeline: p,
        stages,
        next: next_steps(tx, &ids)?,
    })
}

/// The morning: the activities due (late ones first), then the deals that need attention,
/// each deal in the first of the deal sections that applies, and last every active deal
/// without a next step (whether or not a section above has it too).
#[derive(Debug, Clone, Default)]
pub struct Today {
    /// Pending activities due before today, soonest first.
    pub activities_overdue: Vec<Listed>,
    /// Pending activities due today, soonest first (all-day ones first).
    pub activities_today: Vec<Listed>,
    /// Active deals expected to close before today.
    pub overdue: Vec<Deal>,
    /// Active deals expected to close within the next 7 days, today included.
    pub closing_soon: Vec<Deal>,
    pub stalled: Vec<Deal>,
    /// Open deals that pass their stall period within the next 3 days.
    pub going_stale: Vec<Deal>,
    /// Active deals without a pending activity, soonest expected close first.
    pub no_next_step: Vec<Deal>,
    /// The next step of each deal listed that has one.
    pub next: HashMap<DealId, NextActivity>,
}

/// A section of today, in the order of urgency: what is late, what is due, what stopped
/// moving, what is about to, and what nobody planned a next step for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    ActivitiesOverdue,
    ActivitiesToday,
    Overdue,
    ClosingSoon,
    Stalled,
    GoingStale,
    NoNextStep,
}

/// What a section of today lists: activities (with their deals' names) or deals.
#[derive(Debug, Clone)]
pub enum Rows {
    Activities(Vec<Listed>),
    Deals(Vec<Deal>),
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Activities(a) => a.len(),
            Rows::Deals(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Section {
    /// Every section, most urgent first.
    pub const ALL: [Section; 7] = [
        Section::ActivitiesOverdue,
        Section::ActivitiesToday,
        Section::Overdue,
        Section::ClosingSoon,
        Section::Stalled,
        Section::GoingStale,
        Section::NoNextStep,
    ];

    /// The section's name for scripts: its JSON key and its value in the section column.
    pub fn key(self) -> &'static str {
        match self {
            Section::ActivitiesOverdue => "activities_overdue",
            Section::ActivitiesToday => "activities_today",
            Section::Overdue => "overdue",
            Section::ClosingSoon => "closing_soon",
            Section::Stalled => "stalled",
            Section::GoingStale => "going_stale",
            Section::NoNextStep => "no_next_step",
        }
    }

    /// Whether the section lists activities (else deals).
    pub fn lists_activities(self) -> bool {
        matches!(self, Section::ActivitiesOverdue | Section::ActivitiesToday)
    }
}

impl Today {
    /// The sections, most urgent first, each with its rows: all of them, or only those in
    /// `only` when it names any.
    pub fn sections(self, only: &[Section]) -> Vec<(Section, Rows)> {
        let all = [
            (
                Section::ActivitiesOverdue,
                Rows::Activities(self.activities_overdue),
            ),
            (
                Section::ActivitiesToday,
                Rows::Activities(self.activities_today),
            ),
            (Section::Overdue, Rows::Deals(self.overdue)),
            (Section::ClosingSoon, Rows::Deals(self.closing_soon)),
            (Section::Stalled, Rows::Deals(self.stalled)),
            (Section::GoingStale, Rows::Deals(self.going_stale)),
            (Section::NoNextStep, Rows::Deals(self.no_next_step)),
        ];
        all.into_iter()
            .filter(|(section, _)| only.is_empty() || only.contains(section))
            .collect()
    }
}

/// Today's activities and deals of `owner`, or everyone's: the sections in `only`, or all
/// of them when it is empty (the others are left empty, unread).
pub fn today(tx: &dyn Tx, clock: &Clock, owner: Option<&str>, only: &[Section]) -> Result<Today> {
    let wanted = |s: Section| only.is_empty() || only.contains(&s);
    let today = clock.today();
    let in_a_week = today.checked_add_signed(Duration::days(7)).unwrap_or(today);
    let active = DealFilter {
        statuses: vec![Status::Open, Status::Stalled],
        owner: owner.map(str::to_string),
        ..Default::default()
    };
    // The active deals are read once, soonest expected close first, and each goes to the
    // first section that applies: overdue (expected before today), closing within 7 days
    // (today included), stalled. The rest are not shown.
    let (mut overdue, mut closing_soon, mut stalled) = (Vec::new(), Vec::new(), Vec::new());
    let mut going = Vec::new();
    let by_deal = [
        Section::Overdue,
        Section::ClosingSoon,
        Section::Stalled,
        Section::GoingStale,
    ];
    if by_deal.into_iter().any(wanted) {
        tx.for_each_deal(
            &active,
            DealSort::ExpectedClose,
            false,
            None,
            None,
            &mut |d, _| {
                match d.expected_close {
                    Some(day) if day < today => overdue.push(d),
                    Some(day) if day < in_a_week => closing_soon.push(d),
                    _ if d.status == Status::Stalled => stalled.push(d),
                    _ => {}
                }
                Ok(())
            },
        )?;
        // Open deals about to stall, unless already shown as overdue or closing soon.
        if wanted(Section::GoingStale) {
            let shown: std::collections::HashSet<_> =
                overdue.iter().chain(&closing_soon).map(|d| d.id).collect();
            going = going_stale(tx, clock, owner)?;
            going.retain(|d| !shown.contains(&d.id));
        }
    }
    let ids: Vec<DealId> = overdue
        .iter()
        .chain(&closing_soon)
        .chain(&stalled)
        .chain(&going)
        .map(|d| d.id)
        .collect();
    // Every active deal without a pending activity (none of them has a next step).
    let mut no_next_step = Vec::new();
    if wanted(Section::NoNextStep) {
        let planless = DealFilter {
            no_next_step: true,
            ..active
        };
        tx.for_each_deal(
            &planless,
            DealSort::ExpectedClose,
            false,
            None,
            None,
            &mut |d, _| {
                no_next_step.push(d);
                Ok(())
            },
        )?;
    }
    let (activities_overdue, activities_today) = activities_due(
        tx,
        clock,
        owner,
        wanted(Section::ActivitiesOverdue),
        wanted(Section::ActivitiesToday),
    )?;
    Ok(Today {
        activities_overdue,
        activities_today,
        overdue,
        closing_soon,
        stalled,
        going_stale: going,
        no_next_step,
        next: next_steps(tx, &ids)?,
    })
}

/// The pending activities of `owner` (everyone's with None) due before today, and those due
/// today (each when wanted), whatever their deals' status: an activity of a closed deal is
/// listed until it is done.
fn activities_due(
    tx: &dyn Tx,
    clock: &Clock,
    owner: Option<&str>,
    late: bool,
    on_the_day: bool,
) -> Result<(Vec<Listed>, Vec<Listed>)> {
    let today = clock.today();
    let due = |from: Option<NaiveDate>, to: NaiveDate| ActivityQuery {
        owners: owner.map_or(Owners::All, |o| Owners::Of(o.to_string())),
        deal: None,
        kind: None,
        overdue: false,
        due_from: from,
        due_to: Some(to),
        done: false,
        limit: None,
    };
    let before = match today.pred_opt() {
        Some(yesterday) if late => activity::list(tx, clock, &due(None, yesterday))?,
        _ => Vec::new(),
    };
    let on = match on_the_day {
        true => activity::list(tx, clock, &due(Some(today), today))?,
        false => Vec::new(),
    };
    Ok((before, on))
}

/// Open deals that pass their stall period within the next 3 days: idle for more than
/// (period − 3 days) but not yet the whole period. Soonest to stall first.
fn going_stale(tx: &dyn Tx, clock: &Clock, owner: Option<&str>) -> Result<Vec<Deal>> {
    let now = clock.now();
    let mut out = Vec::new();
    for p in tx.pipelines()? {
        for stage in &p.stages {
            let Some(days) = p.effective_stall_days(stage) else {
                continue;
            };
            let stalls_at = now - Duration::days(days.into());
            let within = stalls_at + Duration::days(3);
            out.extend(tx.idle_deals(
                stage.id,
                Status::Open,
                &timestamp(within),
                Some(&timestamp(stalls_at)),
                owner,
            )?);
        }
    }
    out.sort_by(|a, b| (&a.last_activity_at, a.id).cmp(&(&b.last_activity_at, b.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::lookup::find_pipeline;
    use crate::ops::pipeline::{create, NewPipeline, NewStage};
    use crate::ops::testing::{clock, deal, store};

    #[test]
    fn board_counts_every_active_deal_and_lists_the_largest() {
        let (_dir, mut store) = store();
        let clock = clock();
        let new = NewPipeline {
            name: "Sales".into(),
            stages: ["Lead", "Won"]
                .map(|s| NewStage {
                    name: s.into(),
                    ..Default::default()
                })
                .to_vec(),
            stall_days: 30,
            probabilities: Vec::new(),
        };
        store
            .write(|tx| {
                create(tx, &clock, &new)?;
                let p = find_pipeline(tx, "Sales")?;
                for (name, cents) in [("Small", 100), ("Large", 900), ("Middle", 500)] {
                    deal(tx, &clock, &p, name, cents);
                }
                Ok(())
            })
            .unwrap();
        let sales = store.read(|tx| board(tx, None, None, Some(2))).unwrap();
        assert_eq!(sales.pipeline.name, "Sales");
        let lead = &sales.stages[0];
        let names: Vec<&str> = lead.deals.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            (lead.count, lead.value, names),
            (3, 1500, vec!["Large", "Middle"])
        );
        assert_eq!((sales.stages[1].count, sales.stages[1].deals.len()), (0, 0));
        let mine = store
            .read(|tx| board(tx, Some("sales"), Some("ana"), None))
            .unwrap();
        assert_eq!(mine.stages[0].count, 0);
    }

    #[test]
    fn today_puts_each_deal_in_the_first_section_that_applies() {
        let (_dir, mut store) = store();
        let clock = clock();
        let new = NewPipeline {
            name: "Sales".into(),
            stages: Vec::new(),
            stall_days: 30,
            probabilities: Vec::new(),
        };
        let on = clock.today();
        let ids = store
            .write(|tx| {
                create(tx, &clock, &new)?;
                let p = find_pipeline(tx, "Sales")?;
                let day = |n: i64| on.checked_add_signed(Duration::days(n));
                let idle = timestamp(clock.now() - Duration::days(28));
                let mut ids = Vec::new();
                for (name, expected, status, last) in [
                    ("Late", day(-5), Status::Stalled, None),
                    ("Soon", day(3), Status::Open, None),
                    ("Stuck", None, Status::Stalled, None),
                    ("Idle", None, Status::Open, Some(idle.clone())),
                    ("Idle and late", day(-1), Status::Open, Some(idle)),
                    ("Fine", day(30), Status::Open, None),
                ] {
                    let d = deal(tx, &clock, &p, name, 100);
                    let d = Deal {
                        expected_close: expected,
                        status,
                        last_activity_at: last.unwrap_or(d.last_activity_at.clone()),
                        ..d
                    };
                    tx.update_deal(&d)?;
                    ids.push(d.id);
                }
                Ok(ids)
            })
            .unwrap();
        let t = store.read(|tx| today(tx, &clock, None, &[])).unwrap();
        let of = |deals: &[Deal]| deals.iter().map(|d| d.id).collect::<Vec<_>>();
        assert_eq!(of(&t.overdue), [ids[0], ids[4]]);
        assert_eq!(of(&t.closing_soon), [ids[1]]);
        assert_eq!(of(&t.stalled), [ids[2]]);
        assert_eq!(of(&t.going_stale), [ids[3]]);
        let nobody = store
            .read(|tx| today(tx, &clock, Some("ana"), &[]))
            .unwrap();
        assert!(nobody.overdue.is_empty() && nobody.going_stale.is_empty());
        // Sections keep their order, whichever order they are asked for in.
        let asked = t.sections(&[Section::GoingStale, Section::Overdue]);
        let shown: Vec<_> = asked
            .iter()
            .map(|(s, rows)| match rows {
                Rows::Deals(d) => (*s, of(d)),
                Rows::Activities(_) => unreachable!("{s:?}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                (Section::Overdue, vec![ids[0], ids[4]]),
                (Section::GoingStale, vec![ids[3]])
            ]
        );
    }

    #[test]
    fn today_lists_my_activities_due_and_my_active_deals_without_a_next_step() {
        use crate::ops::testing::activity;
        let (_dir, mut store) = store();
        let clock = clock(); // 2026-03-10
        let new = NewPipeline {
            name: "Sales".into(),
            stages: Vec::new(),
            stall_days: 30,
            probabilities: Vec::new(),
        };
        store
            .write(|tx| {
                create(tx, &clock, &new)?;
                let p = find_pipeline(tx, "Sales")?;
                let mut n = 0;
                let mut owned = |name: &str, owner: &str, status: Status| {
                    // Each expected to close a day after the one before: the order listed.
                    n += 1;
                    let d = Deal {
                        owner_id: Some(owner.into()),
                        status,
                        expected_close: clock.today().checked_add_signed(Duration::days(20 + n)),
                        ..deal(tx, &clock, &p, name, 100)
                    };
                    tx.update_deal(&d).unwrap();
                    d
                };
                let acme = owned("Acme", "ana", Status::Open);
                let won = owned("Won", "ana", Status::Won);
                owned("Idle", "ana", Status::Stalled);
                let bos = owned("Bo's", "bo", Status::Open);
                let done_only = owned("Done only", "ana", Status::Open);
                let ana = Some("ana");
                activity(
                    tx,
                    &clock,
                    &acme,
                    "Late",
                    ("2026-03-09", Some("17:00")),
                    ana,
                    false,
                );
                activity(tx, &clock, &acme, "Later", ("2026-03-12", None), ana, false);
                activity(
                    tx,
                    &clock,
                    &won,
                    "Still to do",
                    ("2026-03-02", None),
                    ana,
                    false,
                );
                activity(
                    tx,
                    &clock,
                    &won,
                    "Today at 8",
                    ("2026-03-10", Some("08:00")),
                    ana,
                    false,
                );
                activity(tx, &clock, &won, "Today", ("2026-03-10", None), ana, false);
                activity(
                    tx,
                    &clock,
                    &acme,
                    "Bo's call",
                    ("2026-03-10", None),
                    Some("bo"),
                    false,
                );
                activity(tx, &clock, &bos, "Done", ("2026-03-09", None), ana, true);
                activity(
                    tx,
                    &clock,
                    &done_only,
                    "Done too",
                    ("2026-03-01", None),
                    ana,
                    true,
                );
                Ok(())
            })
            .unwrap();
        let mine = store
            .read(|tx| today(tx, &clock, Some("ana"), &[]))
            .unwrap();
        let subjects = |a: &[Listed]| {
            a.iter()
                .map(|l| format!("{} ({})", l.activity.subject, l.deal_name))
                .collect::<Vec<_>>()
        };
        // Mine only, pending only, soonest first; a closed deal's stay until done.
        assert_eq!(
            subjects(&mine.activities_overdue),
            ["Still to do (Won)", "Late (Acme)"]
        );
        assert_eq!(
            subjects(&mine.activities_today),
            ["Today (Won)", "Today at 8 (Won)"]
        );
        // My active deals without a pending activity: a done one is no next step.
        let deals: Vec<&str> = mine.no_next_step.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(deals, ["Idle", "Done only"]);
        // Everyone's: Bo's activity too.
        let all = store.read(|tx| today(tx, &clock, None, &[])).unwrap();
        assert_eq!(all.activities_today.len(), 3);
        let deals: Vec<&str> = all.no_next_step.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(deals, ["Idle", "Bo's", "Done only"]);
    }
}
