//! Salesforce, two ways: an opportunities report exported as CSV (`salesforce`: report
//! headers like `Opportunity Name`, ending in totals and a footer), and the Data Loader's
//! export of the Opportunity object (`salesforce-loader`: API names like `StageName`,
//! `IsClosed`, `IsWon`). Both may carry `StageSortOrder` (the order of the org's stages)
//! and an `External_Id__c`; both keep outcomes as stages (Closed Won, Closed Lost).

use super::{folded, meta_key, Target, Translator};
use crate::error::{Error, Result};

/// The stages of Salesforce's default opportunity pipeline, in order.
pub(super) const STAGES: &[&str] = &[
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
];

/// Stage names (in lower case) that stand for an outcome, and the status each means.
pub(super) const OUTCOMES: &[(&str, &str)] = &[
    ("closed won", "won"),
    ("closedwon", "won"),
    ("closed lost", "lost"),
    ("closedlost", "lost"),
];

/// What a column of an opportunities report is, by its (trimmed) header.
pub(super) fn report_column(h: &str) -> Target {
    use Target::*;
    match folded(h).as_str() {
        "opportunityid" => Source,
        "opportunityowner" => Field("owner_id"),
        "opportunityname" => Field("name"),
        "stage" => Field("stage_id"),
        "amountcurrency" | "opportunitycurrency" => Currency,
        "amount" => Amount,
        "probability" => ProbabilityPercent,
        "closedate" => ClosedOn,
        "createddate" => Field("created_at"),
        "contact" | "primarycontact" => Field("contact_id"),
        "stagesortorder" => StageOrder,
        "externalidc" => ExternalId(meta_key(h)),
        _ => Meta(meta_key(h)),
    }
}

/// What a column of the Data Loader's export is, by its (trimmed) header.
pub(super) fn loader_column(h: &str) -> Target {
    use Target::*;
    match folded(h).as_str() {
        "id" => Source,
        "name" => Field("name"),
        "stagename" => Field("stage_id"),
        "amount" => Amount,
        "currencyisocode" => Currency,
        "probability" => ProbabilityPercent,
        "closedate" => ClosedOn,
        "ownerid" => Field("owner_id"),
        "stagesortorder" => StageOrder,
        "externalidc" => ExternalId(meta_key(h)),
        "isclosed" => IsClosed,
        "iswon" => IsWon,
        "createddate" => Field("created_at"),
        _ => Meta(meta_key(h)),
    }
}

impl Translator {
    /// Whether a row of a report (`cells`, at `at`) holds no deal, and is skipped: a report
    /// ends in rows that hold no deal (totals, copyright), narrower than the header or
    /// without a name. Only after the last deal: such a row with a deal after it is
    /// refused. (A report without a name column has no deals: its rows go on to be
    /// refused.)
    pub(super) fn report_footer(&self, at: &str, cells: &[&str], empty: bool) -> Result<bool> {
        let name = Target::Field("name");
        let unnamed = self.columns.contains(&name)
            && self
                .columns
                .iter()
                .zip(cells)
                .all(|(t, c)| *t != name || c.trim().is_empty());
        if empty || cells.len() < self.headers.len() || unnamed || self.is_totals(cells) {
            self.skipped
                .borrow_mut()
                .get_or_insert_with(|| at.to_string());
            return Ok(true);
        }
        if let Some(skipped) = self.skipped.borrow().as_deref() {
            return Err(Error::usage(format!(
                "{skipped}: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it ({at}); only the report's footer may end its rows; nothing was imported"
            )));
        }
        Ok(false)
    }

    /// Whether a report's row is one of its totals (`Grand Totals (4 records)`, `Total`,
    /// `Subtotal`) rather than a deal: its first cell says so and it has no stage; or a
    /// footer line padded to the header's width (no stage and no amount). A deal named
    /// `Grand Totals Ltd`, or `Total` in a stage, is a deal.
    pub(super) fn is_totals(&self, cells: &[&str]) -> bool {
        let stage = Target::Field("stage_id");
        let filled = |target: &Target| {
            self.columns
                .iter()
                .zip(cells)
                .any(|(t, c)| t == target && !c.trim().is_empty())
        };
        let staged = filled(&stage);
        // A footer line padded to the header's width (`Confidential Information - Do Not
        // Distribute,,`): neither a stage nor an amount, in a report that has both columns.
        if self.columns.contains(&stage)
            && self.columns.contains(&Target::Amount)
            && !staged
            && !filled(&Target::Amount)
        {
            return true;
        }
        let first = cells.first().map_or("", |c| c.trim()).to_lowercase();
        let rest = first
            .strip_prefix("grand ")
            .or_else(|| first.strip_prefix("sub"))
            .unwrap_or(&first);
        let Some(rest) = rest
            .strip_prefix("totals")
            .or_else(|| rest.strip_prefix("total"))
        else {
            return false;
        };
        let count = rest
            .trim()
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|r| {
                r.strip_suffix("records")
                    .or_else(|| r.strip_suffix("record"))
            })
            .is_some_and(|n| {
                let n = n.trim();
                !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == ',')
            });
        !staged && (rest.is_empty() || count)
    }
}
