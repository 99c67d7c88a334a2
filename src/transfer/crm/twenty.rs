//! Twenty's opportunity export (CSV): amounts in millionths (`amountMicros`) beside their
//! currency; the CUSTOMER stage is a won deal.

use super::{folded, meta_key, Target};

/// The stages of Twenty's default pipeline, in order.
pub(super) const STAGES: &[&str] = &["NEW", "SCREENING", "MEETING", "PROPOSAL"];

/// Stage names (in lower case) that stand for an outcome, and the status each means.
pub(super) const OUTCOMES: &[(&str, &str)] = &[("customer", "won")];

/// What a column of Twenty's export is, by its (trimmed) header.
pub(super) fn column(h: &str) -> Target {
    use Target::*;
    match folded(h).as_str() {
        "id" => Source,
        "name" => Field("name"),
        "amountamount" => Amount,
        "amountamountmicros" => AmountMicros,
        "amountcurrency" | "amountcurrencycode" => Currency,
        "closedate" => ClosedOn,
        "pointofcontactid" => Field("contact_id"),
        "stage" => Field("stage_id"),
        "creationdate" | "createdat" => Field("created_at"),
        _ => Meta(meta_key(h)),
    }
}
