//! The deal's fields, defined once: every other list of them (JSON, CSV, tables, help) is
//! derived from this one or checked against it.

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

/// The fields a deal is printed with beyond what it stores, after all of [`DEAL_FIELDS`]
/// in JSON, CSV and TSV: the names of its stage and pipeline, from the same read as the
/// deal, so that a script needs no second query to name them. An export leaves them out
/// (it is what import reads back); an import reads them only where a record has no id.
pub const SHOWN_DEAL_FIELDS: [Field; 3] = [
    Field::new("stage_name", "its stage's name"),
    Field::new("pipeline_name", "its pipeline's name"),
    Field::new(
        "next_activity",
        "its next step: its earliest pending activity (id, type, subject, due_date, due_time), or null",
    ),
];

/// The fields a deal is printed with only when `--fields` names them (in any format): its
/// value in dollars, for a spreadsheet. Not in the default JSON, where money is integer
/// cents and one amount has one field.
pub const REQUESTED_DEAL_FIELDS: [Field; 1] = [Field::new(
    "value_dollars",
    "its value in dollars as text, two decimals, no separators: \"48000.00\"; only when --fields names it",
)];

/// The names of [`REQUESTED_DEAL_FIELDS`].
pub const REQUESTED_DEAL_FIELD_NAMES: [&str; 1] = [REQUESTED_DEAL_FIELDS[0].name];

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

/// The names of [`DEAL_FIELDS`] and then of [`SHOWN_DEAL_FIELDS`]: every field a deal is
/// printed with, in order.
pub const SHOWN_DEAL_FIELD_NAMES: [&str; DEAL_FIELDS.len() + SHOWN_DEAL_FIELDS.len()] = {
    let mut names = [""; DEAL_FIELDS.len() + SHOWN_DEAL_FIELDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = if i < DEAL_FIELDS.len() {
            DEAL_FIELDS[i].name
        } else {
            SHOWN_DEAL_FIELDS[i - DEAL_FIELDS.len()].name
        };
        i += 1;
    }
    names
};
