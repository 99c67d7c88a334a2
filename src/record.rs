//! The records rex keeps: pipelines with their stages, deals, and deal history events.
//! Their serde shape is the JSON API shape scripts depend on.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::id::{DealId, PipelineId, StageId};
use crate::money::Cents;

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

/// One entry in a deal's history. Serialized flat: `{"deal_id","at","kind", ...details}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub deal_id: DealId,
    pub at: String,
    pub kind: String,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// A deal's pipeline and stage, with the names they had at that moment (history keeps both).
#[derive(Debug, Clone)]
pub struct Place {
    pub pipeline_id: PipelineId,
    pub pipeline: String,
    pub stage_id: StageId,
    pub stage: String,
}

impl Place {
    /// `stage` of pipeline `p`, named as they are now.
    pub fn of(p: &Pipeline, stage: &Stage) -> Place {
        Place {
            pipeline_id: p.id,
            pipeline: p.name.clone(),
            stage_id: stage.id,
            stage: stage.name.clone(),
        }
    }

    /// The stage with this id in pipeline `p`.
    pub fn in_pipeline(p: &Pipeline, stage: StageId) -> Place {
        Place {
            pipeline_id: p.id,
            pipeline: p.name.clone(),
            stage_id: stage,
            stage: p.stage(stage).map(|s| s.name.clone()).unwrap_or_default(),
        }
    }
}

impl Event {
    /// An event with `details`, a JSON object (anything else records no details).
    pub fn new(deal_id: DealId, at: &str, kind: &str, details: Value) -> Event {
        let details = match details {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        Event {
            deal_id,
            at: at.to_string(),
            kind: kind.to_string(),
            details,
        }
    }

    /// The first entry of a deal's history, at its creation time.
    pub fn created(deal: &Deal, place: &Place) -> Event {
        let details = serde_json::json!({
            "name": deal.name, "value": deal.value, "pipeline_id": place.pipeline_id, "pipeline": place.pipeline,
            "stage_id": place.stage_id, "stage": place.stage,
        });
        Event::new(deal.id, &deal.created_at, event::CREATED, details)
    }

    /// A move between stages (and maybe pipelines), with why when it was not asked for.
    pub fn moved(
        deal_id: DealId,
        at: &str,
        from: &Place,
        to: &Place,
        reason: Option<&str>,
    ) -> Event {
        let mut details = serde_json::json!({
            "from_pipeline_id": from.pipeline_id, "from_pipeline": from.pipeline,
            "from_stage_id": from.stage_id, "from_stage": from.stage,
            "to_pipeline_id": to.pipeline_id, "to_pipeline": to.pipeline,
            "to_stage_id": to.stage_id, "to_stage": to.stage,
        });
        if let Some(r) = reason {
            details["reason"] = Value::from(r);
        }
        Event::new(deal_id, at, event::MOVED, details)
    }
}

/// The history entries that take a deal from `before` to `after`, in an order that replays:
/// a closed deal that changes status or stage is reopened first; then each changed field
/// (`updated`), the move between stages (`moved`, from `from` to `to`), and last the status
/// it ends in (`closed`, `stalled` or `unstalled`, the last two saying `by` what).
/// Activity stamps (`updated_at`, `last_activity_at`, ...) are not history.
pub fn changes(
    before: &Deal,
    after: &Deal,
    from: &Place,
    to: &Place,
    at: &str,
    by: &str,
) -> Vec<Event> {
    use serde_json::json;
    let id = after.id;
    let mut out = Vec::new();
    let moves = before.pipeline_id != after.pipeline_id || before.stage_id != after.stage_id;
    let reopens = before.status.is_closed() && (before.status != after.status || moves);
    if reopens {
        out.push(Event::new(
            id,
            at,
            event::REOPENED,
            json!({ "was": before.status, "closed_at": before.closed_at, "close_reason": before.close_reason }),
        ));
    }
    let mut field = |name: &str, old: Value, new: Value| {
        if old != new {
            out.push(Event::new(
                id,
                at,
                event::UPDATED,
                json!({ "field": name, "old": old, "new": new }),
            ));
        }
    };
    let date = |d: Option<NaiveDate>| json!(d.map(crate::clock::format_date));
    field("name", json!(before.name), json!(after.name));
    field("value", json!(before.value), json!(after.value));
    field(
        "contact_id",
        json!(before.contact_id),
        json!(after.contact_id),
    );
    field("owner_id", json!(before.owner_id), json!(after.owner_id));
    field(
        "expected_close",
        date(before.expected_close),
        date(after.expected_close),
    );
    let mut keys: Vec<&String> = before
        .metadata
        .keys()
        .chain(after.metadata.keys())
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let old = before.metadata.get(key).cloned().unwrap_or(Value::Null);
        let new = after.metadata.get(key).cloned().unwrap_or(Value::Null);
        field(&format!("metadata.{key}"), old, new);
    }
    field(
        "probability",
        json!(before.probability),
        json!(after.probability),
    );
    if !reopens && before.status.is_closed() && after.status == before.status {
        field(
            "close_reason",
            json!(before.close_reason),
            json!(after.close_reason),
        );
    }
    if moves {
        out.push(Event::moved(id, at, from, to, None));
    }
    let current = if reopens { Status::Open } else { before.status };
    let last = match (current, after.status) {
        (now, then) if now == then => None,
        (_, Status::Won | Status::Lost) => Some((
            event::CLOSED,
            json!({ "status": after.status, "reason": after.close_reason, "stage_id": to.stage_id, "stage": to.stage }),
        )),
        (_, Status::Stalled) => Some((event::STALLED, json!({ "by": by }))),
        (_, Status::Open) => Some((event::UNSTALLED, json!({ "by": by }))),
    };
    if let Some((kind, details)) = last {
        out.push(Event::new(id, at, kind, details));
    }
    out
}

/// A new deal's history: `created`, then the status it is in when that is not open
/// (`closed` at its `closed_at`, or `stalled`, saying `by` what), so that replaying its
/// history gives the deal as it is.
pub fn created_history(deal: &Deal, place: &Place, by: &str) -> Vec<Event> {
    let opened = Deal {
        status: Status::Open,
        closed_at: None,
        close_reason: None,
        ..deal.clone()
    };
    let at = deal.closed_at.as_deref().unwrap_or(&deal.created_at);
    let mut out = vec![Event::created(deal, place)];
    out.extend(changes(&opened, deal, place, place, at, by));
    out
}

/// The event kinds a deal's history holds.
pub mod event {
    pub const CREATED: &str = "created";
    pub const UPDATED: &str = "updated";
    pub const MOVED: &str = "moved";
    pub const CLOSED: &str = "closed";
    pub const REOPENED: &str = "reopened";
    pub const NOTE: &str = "note";
    pub const STALLED: &str = "stalled";
    pub const UNSTALLED: &str = "unstalled";

    pub const ALL: [&str; 8] = [
        CREATED, UPDATED, MOVED, CLOSED, REOPENED, NOTE, STALLED, UNSTALLED,
    ];
}

/// Checks a name (of a deal, pipeline or stage) and returns it trimmed.
pub fn clean_name(what: &str, text: &str) -> Result<String, String> {
    clean_text(what, text, 200)
}

/// Checks a one-line free-text value (contact, owner, reason) and returns it trimmed.
pub fn clean_text(what: &str, text: &str, max_chars: usize) -> Result<String, String> {
    let t = trimmed_within(what, text, max_chars)?;
    if let Some(c) = t.chars().find(|c| is_forbidden_in_line(*c)) {
        return Err(format!(
            "{what} contains {}; use printable text on one line",
            forbidden_kind(c)
        ));
    }
    Ok(t.to_string())
}

/// The text trimmed, refused where that leaves nothing or more than `max_chars`
/// characters (the rules one-line and multi-line text share).
fn trimmed_within<'t>(what: &str, text: &'t str, max_chars: usize) -> Result<&'t str, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty; give some text"));
    }
    let n = t.chars().count();
    if n > max_chars {
        return Err(format!(
            "{what} is {n} characters long; the limit is {max_chars}"
        ));
    }
    Ok(t)
}

/// A deal's text and its rules, in one place for every path that makes or changes a deal
/// (`deal create`, `deal update`, `deal close`, `deal note`, an import): what a message
/// calls each text and how many characters it may have. [`DealText::check`] returns the
/// text trimmed, or the bare reason it is refused; the caller adds where it was (an
/// import's line and field) and the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealText {
    /// The deal's name.
    Name,
    /// Its contact (`contact_id`).
    Contact,
    /// Its owner (`owner_id`).
    Owner,
    /// Why it closed (`close_reason`).
    CloseReason,
    /// Where an import from another CRM found it (`origin`).
    Origin,
    /// A key of its metadata.
    MetaKey,
    /// A note in its history: the one text that may span lines.
    Note,
}

impl DealText {
    // The most characters each text may have, once trimmed. (Pipeline and stage names
    // have their own limit in `clean_name`, also 200.)
    pub const NAME_MAX: usize = 200;
    pub const CONTACT_MAX: usize = 200;
    pub const OWNER_MAX: usize = 200;
    pub const CLOSE_REASON_MAX: usize = 1000;
    pub const ORIGIN_MAX: usize = 500;
    pub const META_KEY_MAX: usize = 100;
    pub const NOTE_MAX: usize = 10_000;

    pub const ALL: [DealText; 7] = [
        DealText::Name,
        DealText::Contact,
        DealText::Owner,
        DealText::CloseReason,
        DealText::Origin,
        DealText::MetaKey,
        DealText::Note,
    ];

    /// How many characters it may have, once trimmed.
    pub const fn limit(self) -> usize {
        match self {
            DealText::Name => Self::NAME_MAX,
            DealText::Contact => Self::CONTACT_MAX,
            DealText::Owner => Self::OWNER_MAX,
            DealText::CloseReason => Self::CLOSE_REASON_MAX,
            DealText::Origin => Self::ORIGIN_MAX,
            DealText::MetaKey => Self::META_KEY_MAX,
            DealText::Note => Self::NOTE_MAX,
        }
    }

    /// What a message calls it.
    pub const fn what(self) -> &'static str {
        match self {
            DealText::Name => "the deal name",
            DealText::Contact => "the contact",
            DealText::Owner => "the owner",
            DealText::CloseReason => "the reason",
            DealText::Origin => "the origin",
            DealText::MetaKey => "a metadata key",
            DealText::Note => "the note",
        }
    }

    /// Checks `text` as this text of a deal and returns it trimmed: not empty, within the
    /// limit, and printable (on one line, but for a note).
    pub fn check(self, text: &str) -> Result<String, String> {
        match self {
            DealText::Note => clean_lines(self.what(), text, self.limit()),
            _ => clean_text(self.what(), text, self.limit()),
        }
    }
}

/// Checks free text that may span lines (a note) and returns it trimmed.
fn clean_lines(what: &str, text: &str, max_chars: usize) -> Result<String, String> {
    let t = trimmed_within(what, text, max_chars)?;
    if let Some(c) = t
        .chars()
        .find(|c| *c != '\n' && *c != '\t' && is_forbidden_in_line(*c))
    {
        return Err(format!(
            "{what} contains {}; use printable text",
            forbidden_kind(c)
        ));
    }
    Ok(t.to_string())
}

/// What one-line text may not hold, and output escapes wherever it prints text: control
/// characters, the line and paragraph separators (U+2028, U+2029), at which many readers
/// end a line (so a TSV record would split), and the bidirectional overrides that can
/// disguise text.
pub fn is_forbidden_in_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character [`is_forbidden_in_line`] refuses, named.
fn forbidden_kind(c: char) -> String {
    match c {
        '\u{2028}' => "the line separator U+2028".into(),
        '\u{2029}' => "the paragraph separator U+2029".into(),
        c => format!("the control character U+{:04X}", c as u32),
    }
}

/// A key for case-insensitive comparison of names.
pub fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// A JSON value with every object's keys sorted, so equal values are stored alike.
pub fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(sorted(
            map.into_iter().map(|(k, v)| (k, canonical(v))).collect(),
        )),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

pub fn sorted(map: Metadata) -> Metadata {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// One field of a deal: its name (the JSON key, the CSV column, the `--fields` name and
/// the stored column) and what it holds, as `rex help formatting` explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub about: &'static str,
}

impl Field {
    const fn new(name: &'static str, about: &'static str) -> Field {
        Field { name, about }
    }
}

/// The deal's fields, in the order JSON, CSV and `--fields` list them: the one list that
/// every other (the table's columns, the stored columns of both backends, the export's CSV
/// header, `rex help formatting`) is derived from or checked against by a test.
pub const DEAL_FIELDS: [Field; 18] = [
    Field::new("id", "the deal's id (deal_…)"),
    Field::new("name", "its name"),
    Field::new("value", "its value in cents"),
    Field::new("status", "open, won, lost or stalled"),
    Field::new("contact_id", "who the deal is with (any text)"),
    Field::new("pipeline_id", "its pipeline's id"),
    Field::new("stage_id", "its stage's id"),
    Field::new("expected_close", "the date it is expected to close"),
    Field::new("owner_id", "who works on it (any text)"),
    Field::new("metadata", "an object of free keys and values"),
    Field::new("created_at", "when it was created"),
    Field::new("updated_at", "when it last changed"),
    Field::new(
        "last_activity_at",
        "when it was last worked on (updated, moved, noted): it stalls counting from then",
    ),
    Field::new("stage_entered_at", "when it entered its stage"),
    Field::new("closed_at", "when it was won or lost"),
    Field::new("close_reason", "why it was won or lost"),
    Field::new(
        "probability",
        "its own chance of winning in percent; null: its stage's",
    ),
    Field::new(
        "origin",
        "where an import from another CRM found it (hubspot:123); only on such deals",
    ),
];

/// The names of [`DEAL_FIELDS`], in order.
pub const DEAL_FIELD_NAMES: [&str; DEAL_FIELDS.len()] = {
    let mut names = [""; DEAL_FIELDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = DEAL_FIELDS[i].name;
        i += 1;
    }
    names
};
