//! Pipedrive's deal export (Deals → Export, CSV): headers as `Title` or `Deal - Title`,
//! a Status column (open, won, lost), won and lost times of their own, and probability in
//! percent. Pipedrive keeps outcomes in the status, never as stages.

use super::{folded, meta_key, Target};

/// The stages of Pipedrive's default pipeline, in order.
pub(super) const STAGES: &[&str] = &[
    "Qualified",
    "Contact Made",
    "Demo Scheduled",
    "Proposal Made",
    "Negotiations Started",
];

/// Stage names that stand for an outcome: none.
pub(super) const OUTCOMES: &[(&str, &str)] = &[];

/// What a column of Pipedrive's export is, by its (trimmed) header.
pub(super) fn column(h: &str) -> Target {
    use Target::*;
    let h = h.strip_prefix("Deal - ").unwrap_or(h);
    match folded(h).as_str() {
        "id" => Source,
        "title" => Field("name"),
        "owner" => Field("owner_id"),
        "value" => Amount,
        "currencyofvalue" | "currency" => Currency,
        "probability" => ProbabilityPercent,
        "pipeline" => Field("pipeline_id"),
        "contactperson" => Field("contact_id"),
        "stage" => Field("stage_id"),
        "status" => Status,
        "dealcreated" => Field("created_at"),
        "updatetime" => Field("updated_at"),
        "laststagechange" => Field("stage_entered_at"),
        "expectedclosedate" => Field("expected_close"),
        "wontime" => WonTime,
        "losttime" => LostTime,
        "dealclosedon" => ClosedOn,
        "lostreason" => Field("close_reason"),
        _ => Meta(meta_key(h)),
    }
}
