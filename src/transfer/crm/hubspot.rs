//! HubSpot's deal export (Deals → Export, CSV), by its export names (`Deal Name`) and its
//! internal ones (`dealname`, `hubspot_owner_id`) alike; probability as a fraction (0.6);
//! outcomes kept as stages (Closed Won, Closed Lost).

use super::{folded, meta_key, Target};

/// The stages of HubSpot's default sales pipeline, in order.
pub(super) const STAGES: &[&str] = &[
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Decision Maker Bought-In",
    "Contract Sent",
];

/// Stage names (in lower case) that stand for an outcome, and the status each means.
pub(super) const OUTCOMES: &[(&str, &str)] = &[
    ("closed won", "won"),
    ("closedwon", "won"),
    ("closed lost", "lost"),
    ("closedlost", "lost"),
];

/// What a column of HubSpot's export is, by its (trimmed) header.
pub(super) fn column(h: &str) -> Target {
    use Target::*;
    match folded(h).as_str() {
        "recordid" | "dealid" | "hsobjectid" => Source,
        "dealname" => Field("name"),
        "dealstage" => Field("stage_id"),
        "closedate" => ClosedOn,
        "dealowner" | "hubspotownerid" => Field("owner_id"),
        "amount" => Amount,
        "currency" | "dealcurrencycode" => Currency,
        "pipeline" => Field("pipeline_id"),
        "createdate" => Field("created_at"),
        "dealprobability" | "hsdealstageprobability" => ProbabilityFraction,
        "closedlostreason" => Field("close_reason"),
        _ => Meta(meta_key(h)),
    }
}
