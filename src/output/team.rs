//! What a team looks like: `rex team list` and `rex audit` (its entries with a one-line
//! summary of each one's detail).

use comfy_table::Cell;
use serde::Serialize;
use serde_json::Value;

use super::cells::{opt, text};
use super::{Column, Fit, Record};
use crate::store::{AuditEvent, TeamMember};

impl Record for TeamMember {
    const FIELDS: &'static [&'static str] = &[
        "login",
        "role",
        "owner_id",
        "created_by_rex",
        "added_at",
        "added_by",
    ];
    fn id(&self) -> String {
        self.login.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("login", "Login", |m: &Self, _| text(&m.login)).fit(Fit::Text(0)),
            Column::new("role", "Role", |m: &Self, _| Cell::new(m.role.as_str())),
            Column::new("owner_id", "Owner", |m: &Self, _| text(&m.owner_id)).fit(Fit::Text(1)),
            Column::new("created_by_rex", "Created by rex", |m: &Self, _| {
                Cell::new(if m.created_by_rex { "yes" } else { "no" })
            }),
        ]
    }
}

/// An audit entry as `rex audit` prints it: the entry, and its detail in a few words.
#[derive(Debug, Clone, Serialize)]
pub struct AuditView {
    #[serde(flatten)]
    pub event: AuditEvent,
    pub summary: String,
}

impl From<AuditEvent> for AuditView {
    fn from(event: AuditEvent) -> AuditView {
        let summary = summary(&event.kind, event.subject_id.as_deref(), &event.detail);
        AuditView { event, summary }
    }
}

impl Record for AuditView {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "at",
        "actor",
        "kind",
        "subject_id",
        "detail",
        "summary",
    ];
    fn id(&self) -> String {
        self.event.id.to_string()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("at", "At", |a: &Self, s| {
                Cell::new(s.short_time(&a.event.at))
            })
            .fit(Fit::Fixed(2)),
            // A login is an identifier, like an id: never cut (the detail's text is).
            Column::new("actor", "Actor", |a: &Self, _| text(&a.event.actor)),
            Column::new("kind", "Kind", |a: &Self, _| Cell::new(&a.event.kind)),
            Column::new("subject_id", "Subject", |a: &Self, _| {
                opt(&a.event.subject_id)
            })
            .fit(Fit::Fixed(3)),
            // An audit is read in full: its detail wraps at words, never cut.
            Column::new("summary", "Detail", |a: &Self, _| text(&a.summary)).fit(Fit::Wrap),
        ]
    }
}

/// An entry's detail in a few words, what identifies it first and free text (a deal's,
/// stage's or pipeline's name) last: `Acme (bo, $5,000.00)`,
/// `to bo from ana: Acme`, `bo: member → admin` (a team entry names its login, the subject).
fn summary(kind: &str, subject: Option<&str>, d: &Value) -> String {
    let s = |k: &str| match d.get(k) {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Null) | None => "none".to_string(),
        Some(other) => other.to_string(),
    };
    let login = subject.unwrap_or("none");
    match kind {
        "deal_deleted" => {
            let value = d
                .get("value")
                .and_then(Value::as_i64)
                .and_then(|c| crate::money::Cents::stored(c).ok())
                .map_or_else(String::new, |c| format!(", {c}"));
            format!("{} ({}{value})", s("name"), s("owner_id"))
        }
        "owner_changed" => format!("to {} from {}: {}", s("to"), s("from"), s("name")),
        "stage_removed" => format!("{} of {}", s("name"), s("pipeline")),
        "pipeline_deleted" => {
            let stages: Vec<&str> = d
                .get("stages")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!("{} (stages: {})", s("name"), stages.join(", "))
        }
        "team_member_added" | "team_member_removed" => {
            format!("{login}: {}, owner {}", s("role"), s("owner_id"))
        }
        "team_member_role_changed" => format!("{login}: {} → {}", s("from"), s("to")),
        "team_member_owner_changed" => {
            format!("{login}: owner to {} from {}", s("to"), s("from"))
        }
        "team_member_changed" => {
            format!("{login}: {} {} → {}", s("field"), s("from"), s("to"))
        }
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::summary;
    use serde_json::json;

    #[test]
    fn summaries_put_identifiers_first_and_names_last() {
        let cases = [
            (
                "owner_changed",
                Some("deal_01"),
                json!({"name": "Acme", "from": "ana", "to": "bo"}),
                "to bo from ana: Acme",
            ),
            (
                "team_member_role_changed",
                Some("bo"),
                json!({"from": "member", "to": "reader"}),
                "bo: member → reader",
            ),
            (
                "team_member_owner_changed",
                Some("ana"),
                json!({"from": "ana", "to": "ana@example.com"}),
                "ana: owner to ana@example.com from ana",
            ),
            (
                "team_member_changed",
                Some("ana"),
                json!({"field": "created_by_rex", "from": true, "to": false}),
                "ana: created_by_rex true → false",
            ),
            (
                "team_member_added",
                Some("cy"),
                json!({"role": "reader", "owner_id": "cy"}),
                "cy: reader, owner cy",
            ),
            (
                "stage_removed",
                Some("stage_01"),
                json!({"name": "Proposal", "pipeline": "Sales"}),
                "Proposal of Sales",
            ),
        ];
        for (kind, subject, detail, want) in cases {
            assert_eq!(summary(kind, subject, &detail), want, "{kind}");
        }
    }
}
