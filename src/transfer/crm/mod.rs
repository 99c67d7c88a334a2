//! Other CRMs' deal exports, read as they come out of them: each row of a CSV becomes the
//! record `rex import` reads (rex's field names, cents, RFC 3339 times), through a profile
//! of that CRM's columns, date and money formats, and stages, or through `--map`.
//!
//! A [`Translator`] is made from the file's header (`columns.rs`: the profile's columns,
//! `--map`, rex's own names), learns what the whole file says before its first row is
//! read (`survey.rs`: stage order, date order, which rows are deals and how each is known),
//! then turns each row into a record (`row.rs`), reading amounts (`money.rs`) and dates
//! (`dates.rs`) as the file writes them. Each CRM's profile is a file of its own: its
//! columns, its default stages, the stages that are outcomes, and any rule of its own.

mod columns;
mod dates;
mod hubspot;
mod money;
mod pipedrive;
mod row;
mod salesforce;
mod survey;
mod twenty;

use std::collections::HashMap;

pub use dates::DateOrder;
pub use money::DecimalMark;

use crate::money::{Decimal, Notation};
use crate::transfer::rounding::Rounding;

/// The CRMs whose deal exports `rex import --from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crm {
    Pipedrive,
    Hubspot,
    Salesforce,
    SalesforceLoader,
    Twenty,
}

impl Crm {
    /// Every profile, in the order `rex import --help` lists them.
    pub const ALL: [Crm; 5] = [
        Crm::Pipedrive,
        Crm::Hubspot,
        Crm::Salesforce,
        Crm::SalesforceLoader,
        Crm::Twenty,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Crm::Pipedrive => "pipedrive",
            Crm::Hubspot => "hubspot",
            Crm::Salesforce => "salesforce",
            Crm::SalesforceLoader => "salesforce-loader",
            Crm::Twenty => "twenty",
        }
    }

    /// What a column of this CRM's export is, by its header; None for one it does not know.
    /// Headers match ignoring case, spaces and punctuation (`Deal Owner`, `deal owner`,
    /// `Deal_Owner`), and by the CRM's export names and its internal (API) names alike
    /// (HubSpot's `dealname`, `hubspot_owner_id`).
    fn column(self, header: &str) -> Option<Target> {
        let h = header.trim();
        let t = match self {
            Crm::Pipedrive => pipedrive::column(h),
            Crm::Hubspot => hubspot::column(h),
            Crm::Salesforce => salesforce::report_column(h),
            Crm::SalesforceLoader => salesforce::loader_column(h),
            Crm::Twenty => twenty::column(h),
        };
        Some(t)
    }

    /// The stage names (in lower case) that stand for an outcome in this CRM, and the
    /// status each means.
    fn outcomes(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Crm::Pipedrive => pipedrive::OUTCOMES,
            Crm::Hubspot => hubspot::OUTCOMES,
            Crm::Salesforce | Crm::SalesforceLoader => salesforce::OUTCOMES,
            Crm::Twenty => twenty::OUTCOMES,
        }
    }
}

/// The stages of a CRM's default pipeline, in order.
pub fn default_stages(crm: Crm) -> &'static [&'static str] {
    match crm {
        Crm::Pipedrive => pipedrive::STAGES,
        Crm::Hubspot => hubspot::STAGES,
        Crm::Salesforce | Crm::SalesforceLoader => salesforce::STAGES,
        Crm::Twenty => twenty::STAGES,
    }
}

/// Where a stage comes in the CRM's default pipeline: by its name, or by the words before a
/// slash, as orgs shorten them (`Proposal/Quote` is Salesforce's `Proposal/Price Quote`,
/// `Negotiation` its `Negotiation/Review`).
pub fn default_rank(crm: Option<Crm>, stage: &str) -> Option<usize> {
    let stages = default_stages(crm?);
    let key = |n: &str| n.trim().to_lowercase();
    let head = |n: &str| key(n.split('/').next().unwrap_or(n));
    stages
        .iter()
        .position(|d| key(d) == key(stage))
        .or_else(|| stages.iter().position(|d| head(d) == head(stage)))
}

/// The status a stage name stands for when the CRM keeps outcomes as stages.
fn outcome(crm: Option<Crm>, stage: &str) -> Option<&'static str> {
    let s = stage.trim().to_ascii_lowercase();
    crm?.outcomes()
        .iter()
        .find(|(name, _)| *name == s)
        .map(|(_, status)| *status)
}

/// A header as profiles match it: lower case, letters and digits only (`Deal Owner`,
/// `deal_owner` and `DEAL-OWNER` are one).
fn folded(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A readable metadata key for a column: `Deal Type` is `deal_type`.
fn meta_key(header: &str) -> String {
    let mut out = String::new();
    let mut lower_before = false;
    for c in header.trim().chars() {
        if c.is_alphanumeric() {
            // CamelCase (AccountId) splits where a capital follows a small letter.
            if c.is_uppercase() && lower_before && !out.ends_with('_') {
                out.push('_');
            }
            lower_before = c.is_lowercase() || c.is_ascii_digit();
            out.extend(c.to_lowercase());
        } else {
            lower_before = false;
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Where a column's value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Field(&'static str),
    /// The CRM's own id: kept as the deal's `origin`, `profile:id`, a field no column can
    /// take (a column named Source is metadata like any other).
    Source,
    Amount,
    Currency,
    /// A fraction (HubSpot's 0.6) or a percent (Pipedrive's 60).
    ProbabilityFraction,
    ProbabilityPercent,
    /// Pipedrive's Status column; Salesforce loader's IsClosed and IsWon.
    Status,
    IsClosed,
    IsWon,
    WonTime,
    LostTime,
    ClosedOn,
    /// Twenty's amount in millionths.
    AmountMicros,
    /// Salesforce's StageSortOrder: where the row's stage comes in the CRM's pipeline (read
    /// by the whole file's stage plan, not kept).
    StageOrder,
    /// An id the CRM's users give (Salesforce's `External_Id__c`): the deal's origin when
    /// the file has no id column, and kept in metadata under `key` either way.
    ExternalId(String),
    Meta(String),
    Drop,
}

/// The rex fields a column may be mapped to with `--map FIELD=COLUMN`.
pub const MAPPABLE: [&str; 15] = [
    "name",
    "value",
    "value_dollars",
    "status",
    "owner_id",
    "contact_id",
    "pipeline_id",
    "stage_id",
    "expected_close",
    "created_at",
    "updated_at",
    "closed_at",
    "close_reason",
    "probability",
    "currency",
];

/// What a row of the file says, before it becomes a rex record.
pub struct Translator {
    profile: Option<Crm>,
    columns: Vec<Target>,
    headers: Vec<String>,
    /// Dollars per unit of each other currency, by its code.
    rates: HashMap<String, Decimal>,
    order: Option<DateOrder>,
    /// How the file writes decimals, when `--decimal` says so.
    notation: Option<Notation>,
    /// In a Salesforce report, the first row since the last deal that held none (`line 7`):
    /// the start of the footer, unless another deal follows.
    skipped: std::cell::RefCell<Option<String>>,
    /// Whether `--map` gave columns: a mapped import identifies its rows like a profile's.
    mapped: bool,
    /// Whether `--map expected_close=COLUMN` was given: a closed row's date is its close.
    mapped_expected: bool,
    /// What the whole file says (see [`Translator::survey`]).
    surveyed: Surveyed,
    /// The origin of each row of a file without an id column, by where it is (`line 7`).
    keys: HashMap<String, String>,
    /// Columns kept in metadata under another key than their readable one, which an
    /// earlier column took: by column, that key and the column holding it.
    moved: HashMap<usize, (String, String)>,
    /// Whether amounts past the cents are rounded (`--round`), and how many were.
    rounding: Rounding,
    /// The order of numeric dates in each date column (by header) whose dates settle it.
    orders: HashMap<String, DateOrder>,
    /// Values of the stage column that mean won and lost (`--won-stage`, `--lost-stage`),
    /// trimmed and in lower case.
    won: Vec<String>,
    lost: Vec<String>,
}

/// What an import learns from the whole of another CRM's file before its first deal: the
/// stages each pipeline gets, and what to tell the user.
#[derive(Debug, Clone, Default)]
pub struct Surveyed {
    pub pipelines: Vec<PlannedPipeline>,
    /// Lines for stderr (without `rex: `), said once on success.
    pub notes: Vec<String>,
}

/// The stages the file names for one pipeline, in the CRM's order.
#[derive(Debug, Clone)]
pub struct PlannedPipeline {
    /// The pipeline column's value; None for rows that name none (`--pipeline`, the only
    /// one, or a new one).
    pub pipeline: Option<String>,
    /// The stages' names.
    pub stages: Vec<String>,
}

impl Translator {
    /// Rounds amounts past the cents as `rounding` says (`--round`), counting them there.
    pub fn round(&mut self, rounding: Rounding) {
        self.rounding = rounding;
    }

    /// The header of the column that goes to `target`, as written (trimmed).
    fn header_of(&self, target: &Target) -> Option<&str> {
        self.headers
            .iter()
            .zip(&self.columns)
            .find(|(_, t)| *t == target)
            .map(|(h, _)| h.trim())
    }
}

/// A name on one line: every run of whitespace (line breaks and tabs too) becomes a space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `TRUE`, `true`, `1`, `yes`.
fn truth(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "y"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Cents;

    #[test]
    fn amounts_parse_exactly() {
        let t = Translator::new(None, &["name".to_string()], &[], false, &[], None, None).unwrap();
        let usd = |text: &str| t.amount(text, None).map(|d| Cents::exact(&d));
        assert_eq!(usd("48,000.00"), Ok(Ok(Cents::new(4_800_000).unwrap())));
        assert_eq!(usd("$1,234.5"), Ok(Ok(Cents::new(123_450).unwrap())));
        assert_eq!(usd("2500000"), Ok(Ok(Cents::new(250_000_000).unwrap())));
        assert!(usd("abc").is_err());
        assert_eq!(t.percent("0.6", 2), Ok(60));
        assert_eq!(t.percent("60%", 0), Ok(60));
        assert_eq!(meta_key("Deal - Weighted value"), "deal_weighted_value");
        assert_eq!(meta_key("ForecastCategoryName"), "forecast_category_name");
        assert_eq!(
            meta_key("Amount in company currency"),
            "amount_in_company_currency"
        );
        assert_eq!(one_line("Acme\n\t Corp  "), "Acme Corp");
    }
}
