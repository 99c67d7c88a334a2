//! Which deals a list wants ([`DealFilter`]) and in what order ([`DealSort`]), as every
//! backend reads them.

use chrono::NaiveDate;

use super::*;

/// Which deals `deal list` wants; every field narrows the set further.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealFilter {
    pub statuses: Vec<Status>,
    pub pipeline: Option<PipelineId>,
    pub stages: Vec<StageId>,
    /// The owner, ignoring case: the store finds the spellings stored (see
    /// [`Deals::owner_ids`]) and puts them in `owner_ids` before it asks for the deals.
    pub owner: Option<String>,
    /// The contact, ignoring the case of ASCII letters (no index holds contacts; the deals
    /// are checked one by one).
    pub contact: Option<String>,
    pub min_value: Option<Cents>,
    pub max_value: Option<Cents>,
    pub closing_before: Option<NaiveDate>,
    pub closing_after: Option<NaiveDate>,
    /// Open or stalled with an expected close before this date.
    pub overdue_on: Option<NaiveDate>,
    /// Metadata keys whose value (a string, or a scalar's JSON text) must equal the text.
    pub meta: Vec<(String, String)>,
    /// Case-insensitive substring of the name, taken literally.
    pub search: Option<String>,
    /// Closed at or after this stored time (RFC 3339 UTC).
    pub closed_from: Option<String>,
    /// Closed before this stored time.
    pub closed_before: Option<String>,
    /// Only deals without an expected close.
    pub no_expected_close: bool,
    /// Updated at or after this stored time (RFC 3339 UTC, whole seconds).
    pub updated_from: Option<String>,
    /// Only active (open or stalled) deals without a pending activity: no next step.
    pub no_next_step: bool,
    /// The owner ids stored that `owner` names ignoring case, filled in by the store
    /// ([`DealFilter::with_owner_ids`]); left empty, `owner` is compared as typed.
    pub(crate) owner_ids: Vec<String>,
}

impl DealFilter {
    /// Whether this narrows by status and pipeline only: what the stage counters answer.
    pub(crate) fn is_by_status_and_pipeline_only(&self) -> bool {
        *self
            == DealFilter {
                statuses: self.statuses.clone(),
                pipeline: self.pipeline,
                ..DealFilter::default()
            }
    }

    /// Whether this narrows by status, pipeline and owner only (any of them): what indexes that
    /// lead with them count.
    pub(crate) fn is_by_status_pipeline_and_owner_only(&self) -> bool {
        DealFilter {
            owner: None,
            owner_ids: Vec::new(),
            ..self.clone()
        }
        .is_by_status_and_pipeline_only()
    }

    /// This filter with the owner ids stored that its owner names ignoring case (through
    /// `tx`): one range of an index that leads with the owner per spelling, where comparing
    /// `lower(owner_id)` would read every deal. An owner no deal has keeps the text typed,
    /// which selects nothing.
    pub(crate) fn with_owner_ids(&self, tx: &(impl Deals + ?Sized)) -> Result<DealFilter> {
        let mut out = self.clone();
        if let Some(owner) = &self.owner {
            out.owner_ids = tx.owner_ids(owner)?;
        }
        Ok(out)
    }

    /// Whether this selects the open and stalled deals, of all pipelines or of one, and narrows
    /// no further: the forecast's question, which the counters of active deals answer.
    pub(crate) fn is_active_deals_only(&self) -> bool {
        let active = [Status::Open, Status::Stalled];
        self.is_by_status_and_pipeline_only()
            && active.iter().all(|s| self.statuses.contains(s))
            && self.statuses.iter().all(|s| active.contains(s))
    }
}

/// What a query for one owner's deals runs once per owner id `owner` names ignoring case
/// (none when no deal has that owner), or once with None for everyone's.
pub fn owner_runs(tx: &(impl Deals + ?Sized), owner: Option<&str>) -> Result<Vec<Option<String>>> {
    Ok(match owner {
        None => vec![None],
        Some(o) => tx.owner_ids(o)?.into_iter().map(Some).collect(),
    })
}

/// The owner ids that equal `owner` ignoring case, from the ids `between(lo, hi)` reads (the
/// distinct ids from `lo` up to `hi`): one range per spelling of `owner`'s first letter,
/// as it is and in each case, since an id equal ignoring case starts with one of them.
pub fn owner_ids_by(
    owner: &str,
    mut between: impl FnMut(&str, &str) -> Result<Vec<String>>,
) -> Result<Vec<String>> {
    let key = crate::record::name_key(owner);
    let Some(first) = owner.chars().next() else {
        return Ok(Vec::new());
    };
    let mut starts: Vec<char> = vec![first];
    starts.extend(first.to_lowercase().take(1));
    starts.extend(first.to_uppercase().take(1));
    starts.sort_unstable();
    starts.dedup();
    let mut found = Vec::new();
    for c in starts {
        // The ids that start with c: from c up to the character after it.
        let next = (c as u32 + 1..=0x10FFFF).find_map(char::from_u32);
        let hi = next.map_or_else(|| "\u{10FFFF}\u{10FFFF}".to_string(), String::from);
        for id in between(&c.to_string(), &hi)? {
            if crate::record::name_key(&id) == key && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    Ok(found)
}

/// What a deal list is ordered by (always then by id, in the same direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DealSort {
    Value,
    ExpectedClose,
    #[default]
    Created,
    Updated,
    Name,
    Stage,
    /// By the next step (the earliest pending activity's due date, all-day before timed,
    /// then its time); deals without one come last in either direction.
    NextActivity,
}

/// Where a page of a deal list ended: the last deal's key in the list's order, and its id.
/// The next page holds the deals strictly after it in the same order and direction, read
/// as a range of the order's index, however many deals came before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub key: OrderKey,
    pub id: DealId,
}

/// A deal's place in the order of a [`DealSort`], as the store compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKey {
    Value(Cents),
    /// None: without a date, which comes after every date in either direction.
    ExpectedClose(Option<NaiveDate>),
    /// The stored time (RFC 3339 UTC).
    Created(String),
    Updated(String),
    /// The name's key ([`crate::record::name_key`]), as stored beside the name.
    Name(String),
    /// Its pipeline's name key and its stage's position in that pipeline.
    Stage {
        pipeline: String,
        position: u32,
    },
    /// The next step's [`OrderKey::next_key`]; None: without one, which comes after every
    /// next step in either direction.
    NextActivity(Option<String>),
}

impl OrderKey {
    /// The order this key belongs to.
    pub fn sort(&self) -> DealSort {
        match self {
            OrderKey::Value(_) => DealSort::Value,
            OrderKey::ExpectedClose(_) => DealSort::ExpectedClose,
            OrderKey::Created(_) => DealSort::Created,
            OrderKey::Updated(_) => DealSort::Updated,
            OrderKey::Name(_) => DealSort::Name,
            OrderKey::Stage { .. } => DealSort::Stage,
            OrderKey::NextActivity(_) => DealSort::NextActivity,
        }
    }

    /// A next step's place in a list by [`DealSort::NextActivity`], as the store compares
    /// it: `2026-03-05` for one due all day, `2026-03-05T14:00` for one at a time, so that
    /// text order is due order with the all-day ones first on their day (the store works
    /// out the same text from the activity's columns).
    pub fn next_key(due_date: NaiveDate, due_time: Option<crate::record::DueTime>) -> String {
        let day = crate::clock::format_date(due_date);
        match due_time {
            Some(t) => format!("{day}T{t}"),
            None => day,
        }
    }

    /// Whether `text` is a key [`OrderKey::next_key`] makes.
    pub fn is_next_key(text: &str) -> bool {
        let (day, time) = match text.split_once('T') {
            Some((day, time)) => (day, Some(time)),
            None => (text, None),
        };
        let day_ok = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .is_ok_and(|d| crate::clock::format_date(d) == day);
        let time_ok = time.is_none_or(|t| {
            t.parse::<crate::record::DueTime>()
                .is_ok_and(|parsed| parsed.to_string() == t)
        });
        day_ok && time_ok
    }
}
