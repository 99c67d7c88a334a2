//! The records rex keeps: pipelines with their stages, deals, and deal history events.
//! Their serde shape is the JSON API shape scripts depend on.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::id::{DealId, PipelineId, StageId};
use crate::money::Cents;

mod activity;
mod fields;
mod history;
mod rules;

pub use activity::{
    clean_activity_note, clean_subject, parse_duration, Activity, ActivityType, DueTime,
    NextActivity, ACTIVITY_FIELD_NAMES, ACTIVITY_NOTE_MAX, ACTIVITY_OWNER_MAX,
    DURATION_MAX_MINUTES, SUBJECT_MAX,
};
pub use fields::{
    Field, DEAL_FIELDS, DEAL_FIELD_NAMES, REQUESTED_DEAL_FIELDS, REQUESTED_DEAL_FIELD_NAMES,
    SHOWN_DEAL_FIELDS, SHOWN_DEAL_FIELD_NAMES,
};
pub use history::{changes, created_history, event, Event, Place};
pub use rules::{
    canonical, clean_name, clean_owner, clean_text, is_forbidden_in_line, name_key, sorted,
    DealText,
};

/// A deal's free key-value metadata, keys kept sorted.
pub type Metadata = Map<String, Value>;

/// Default stall period of a new pipeline, in days.
pub const DEFAULT_STALL_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Won,
    Lost,
    Stalled,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::Won, Status::Lost, Status::Stalled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
            Status::Stalled => "stalled",
        }
    }

    /// Won and lost deals are closed; open and stalled ones are active.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Won | Status::Lost)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("invalid status '{s}': use open, won, lost or stalled"))
    }
}

/// A hex colour, `#rrggbb`, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Color(String);

impl Color {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Color {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let hex = text.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Color(format!("#{}", hex.to_ascii_lowercase())))
        } else {
            Err(format!(
                "invalid colour '{text}': use # and six hex digits, like #4f9dde"
            ))
        }
    }
}

/// Distinct colours for stages created without one, by position.
pub const STAGE_PALETTE: [&str; 8] = [
    "#4f9dde", "#8e6bd8", "#e0a23b", "#e06a3b", "#3bb273", "#d8578f", "#5fb7b0", "#9a9a9a",
];

pub fn palette_color(position: usize) -> Color {
    Color(STAGE_PALETTE[position % STAGE_PALETTE.len()].to_string())
}

/// The stages a pipeline gets when none are named.
pub const DEFAULT_STAGES: [&str; 5] = [
    "Discovery",
    "Qualification",
    "Proposal",
    "Negotiation",
    "Closed",
];

/// A chance of winning in whole percent, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Probability(u8);

impl Probability {
    /// A stage created or added without one: weighted equals unweighted.
    pub const CERTAIN: Probability = Probability(100);

    pub fn new(percent: i64) -> Result<Self, String> {
        u8::try_from(percent)
            .ok()
            .filter(|p| *p <= 100)
            .map(Probability)
            .ok_or_else(|| format!("{percent} is not a whole percent from 0 to 100"))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// What a stage named `name` gets when nobody said: the default stages' own chances
    /// (Discovery 10, Qualification 25, Proposal 50, Negotiation 75, Closed 90), else 100.
    pub fn default_for(name: &str) -> Probability {
        let key = name_key(name);
        DEFAULT_STAGES
            .iter()
            .zip(DEFAULT_PROBABILITIES)
            .find(|(n, _)| name_key(n) == key)
            .map_or(Probability::CERTAIN, |(_, p)| Probability(p))
    }

    /// `value` weighted by this chance: value × percent / 100, to the nearest cent, halves up.
    pub fn weigh(self, value: Cents) -> i128 {
        (i128::from(value.get()) * i128::from(self.0) + 50) / 100
    }
}

impl FromStr for Probability {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let t = text.trim().trim_end_matches('%');
        t.parse::<i64>()
            .ok()
            .and_then(|n| Probability::new(n).ok())
            .ok_or_else(|| format!("'{text}' is not a whole percent from 0 to 100, like 60"))
    }
}

/// The default stages' chances of winning, in their order.
pub const DEFAULT_PROBABILITIES: [u8; 5] = [10, 25, 50, 75, 90];

/// How a stage decides when its deals stall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStall {
    /// Follows the pipeline's period (JSON `null`).
    Pipeline,
    /// Its own period in days (JSON: the number).
    Days(u32),
    /// Deals in this stage never stall (JSON `0`).
    Off,
}

impl Serialize for StageStall {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StageStall::Pipeline => s.serialize_none(),
            StageStall::Days(n) => s.serialize_u32(*n),
            StageStall::Off => s.serialize_u32(0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    pub color: Color,
    /// How likely a deal in this stage is to be won, in whole percent.
    pub probability: Probability,
    pub position: u32,
    /// The stage's own stall period: null follows the pipeline, 0 is off.
    pub stall_days: StageStall,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    pub id: PipelineId,
    pub name: String,
    pub stall_days: u32,
    pub created_at: String,
    pub updated_at: String,
    pub stages: Vec<Stage>,
}

impl Stage {
    /// A new stage named `name` (already clean) for `position`, in the palette's colour
    /// for that position, following its pipeline's stall period.
    pub fn new(name: String, position: usize, probability: Probability) -> Stage {
        Stage {
            id: StageId::new(),
            name,
            color: palette_color(position),
            probability,
            position: position as u32,
            stall_days: StageStall::Pipeline,
        }
    }
}

impl Pipeline {
    /// A new pipeline of `stages` (numbered in their order), made `now`.
    pub fn new(name: String, stall_days: u32, stages: Vec<Stage>, now: &str) -> Pipeline {
        let mut p = Pipeline {
            id: PipelineId::new(),
            name,
            stall_days,
            created_at: now.to_string(),
            updated_at: now.to_string(),
            stages,
        };
        p.renumber();
        p
    }

    /// The period in days after which an idle deal in `stage` stalls, or None when it never does.
    pub fn effective_stall_days(&self, stage: &Stage) -> Option<u32> {
        match stage.stall_days {
            StageStall::Pipeline => Some(self.stall_days),
            StageStall::Days(n) => Some(n),
            StageStall::Off => None,
        }
    }

    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Renumbers positions 0.. in the current order.
    pub fn renumber(&mut self) {
        for (i, s) in self.stages.iter_mut().enumerate() {
            s.position = i as u32;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deal {
    pub id: DealId,
    pub name: String,
    pub value: Cents,
    pub status: Status,
    pub contact_id: Option<String>,
    pub pipeline_id: PipelineId,
    pub stage_id: StageId,
    pub expected_close: Option<NaiveDate>,
    pub owner_id: Option<String>,
    pub metadata: Metadata,
    pub created_at: String,
    pub updated_at: String,
    pub last_activity_at: String,
    pub stage_entered_at: String,
    pub closed_at: Option<String>,
    pub close_reason: Option<String>,
    /// Its own chance of winning, overriding its stage's; None follows the stage.
    pub probability: Option<Probability>,
    /// Where an import from another CRM found it (`hubspot:123`): the key that recognises it
    /// when the same export is imported again. No column of a file can take its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl Deal {
    /// Still being worked and past its expected close on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.status.is_closed() && self.expected_close.is_some_and(|c| c < today)
    }
}
