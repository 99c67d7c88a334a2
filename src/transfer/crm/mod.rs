//! Other CRMs' deal exports, read as they come out of them: each row of a CSV becomes the
//! record `rex import` reads (rex's field names, cents, RFC 3339 times), through a profile
//! of that CRM's columns, date and money formats, and stages, or through `--map`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value};

use crate::cli::{Crm, DateOrder, DecimalMark};
use crate::error::{Error, Result};
use crate::json;
use crate::money::{symbol, Cents, Decimal, Notation};

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

/// `--round`: whether dollars with more than cents (`9225.225`) are rounded to the cent,
/// halves up, or refused; and how many were rounded, counted as rows are read (on the
/// reading thread) for the import to say at its end.
#[derive(Debug, Clone, Default)]
pub struct Rounding {
    pub allowed: bool,
    pub count: Arc<AtomicU64>,
}

impl Rounding {
    /// Dollars as cents: exact (zeros past the cents are fine), or past the cents rounded
    /// half up with `--round` and counted; refused without it. (An amount converted at a
    /// rate is rounded by [`Cents::converted`] whatever is given: converting is where
    /// rounding is inherent, and the original amount is kept in metadata.)
    pub fn cents(&self, dollars: &Decimal, text: &str) -> std::result::Result<Cents, String> {
        if !dollars.more_than_cents() {
            return Cents::exact(dollars).map_err(|e| format!("'{text}': {e}"));
        }
        if !self.allowed {
            return Err(format!(
                "'{text}': more than two decimals (cents) is not allowed; give --round to round it to the cent, halves up"
            ));
        }
        let cents = Cents::half_up(dollars).map_err(|e| format!("'{text}': {e}"))?;
        self.count.fetch_add(1, Ordering::SeqCst);
        Ok(cents)
    }

    /// How many amounts were rounded.
    pub fn rounded(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }
}

/// An exchange rate: dollars per unit, a plain decimal above 0 (`1.0825`).
fn rate(text: &str) -> std::result::Result<Decimal, String> {
    Decimal::parse(text, Notation::Plain)
        .ok()
        .filter(|r| !r.is_zero() && text.trim() == text)
        .ok_or_else(|| format!("'{text}' is not a plain decimal above 0, like 1.0825"))
}

/// The stages of a CRM's default pipeline, in order, and which of them are outcomes.
pub fn default_stages(crm: Crm) -> &'static [&'static str] {
    match crm {
        Crm::Pipedrive => &[
            "Qualified",
            "Contact Made",
            "Demo Scheduled",
            "Proposal Made",
            "Negotiations Started",
        ],
        Crm::Hubspot => &[
            "Appointment Scheduled",
            "Qualified To Buy",
            "Presentation Scheduled",
            "Decision Maker Bought-In",
            "Contract Sent",
        ],
        Crm::Salesforce | Crm::SalesforceLoader => &[
            "Prospecting",
            "Qualification",
            "Needs Analysis",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
            "Proposal/Price Quote",
            "Negotiation/Review",
        ],
        Crm::Twenty => &["NEW", "SCREENING", "MEETING", "PROPOSAL"],
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
    match crm? {
        Crm::Hubspot | Crm::Salesforce | Crm::SalesforceLoader => match s.as_str() {
            "closed won" | "closedwon" => Some("won"),
            "closed lost" | "closedlost" => Some("lost"),
            _ => None,
        },
        Crm::Twenty => (s == "customer").then_some("won"),
        Crm::Pipedrive => None,
    }
}

impl Crm {
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
        use Target::*;
        let h = header.trim();
        let t = match self {
            Crm::Pipedrive => {
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
            Crm::Hubspot => match folded(h).as_str() {
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
            },
            Crm::Salesforce => match folded(h).as_str() {
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
            },
            Crm::SalesforceLoader => match folded(h).as_str() {
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
            },
            Crm::Twenty => match folded(h).as_str() {
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
            },
        };
        Some(t)
    }
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

/// Whether two columns would fill one field, so that one of them would be lost: the same
/// target, or a profile's column and a mapped one for the same field (`Amount` and
/// `--map value=Other`; `Close Date` and `--map closed_at=…`). (An expected close mapped
/// beside a close date is not one: the close date stands in for it only when none is given.)
fn fill_one_field(a: &Target, b: &Target) -> bool {
    use Target::*;
    let group = |t: &Target| match t {
        Field("value") | Field("value_dollars") | Amount | AmountMicros => Some(0),
        Field("probability") | ProbabilityPercent | ProbabilityFraction => Some(1),
        Field("status") | Status => Some(2),
        _ => None,
    };
    let closes = |t: &Target| matches!(t, ClosedOn | WonTime | LostTime);
    a == b
        || group(a).is_some_and(|g| group(b) == Some(g))
        || (*a == Field("closed_at") && closes(b))
        || (*b == Field("closed_at") && closes(a))
}

/// Two columns, `first` and `then`, that would fill one field: refused, as one value
/// would be lost.
fn one_field(first: &str, then: &str, target: &Target) -> Error {
    Error::usage(format!(
        "line 1: columns '{}' and '{}' both go to {}; drop one with --map -=COLUMN; nothing was imported",
        first.trim(),
        then.trim(),
        target_name(target)
    ))
}

/// Where a column goes, in the user's words.
fn target_name(target: &Target) -> String {
    match target {
        Target::Field(f) => (*f).to_string(),
        Target::Source => "origin (the CRM's id)".into(),
        Target::Amount | Target::AmountMicros => "value (with its currency)".into(),
        Target::Currency => "the value's currency".into(),
        Target::ProbabilityFraction | Target::ProbabilityPercent => "probability".into(),
        Target::Status | Target::IsClosed | Target::IsWon => "status".into(),
        Target::WonTime | Target::LostTime | Target::ClosedOn => {
            "closed_at (or expected_close while open)".into()
        }
        Target::StageOrder => "the order of the stages it creates".into(),
        Target::ExternalId(k) => format!("metadata.{k} (and origin, without an id column)"),
        Target::Meta(k) => format!("metadata.{k}"),
        Target::Drop => "(dropped)".into(),
    }
}

/// Makes the metadata keys of the columns kept in metadata distinct, so that no value is
/// lost: a key given with `--map metadata.KEY=` (`explicit`) is the column's, and the keys
/// rex keeps a converted amount's original under are its own; then, in the file's order,
/// a column keeps its readable key unless an earlier one has it (`Budget_Confirmed__c`
/// and `BudgetConfirmed__c` both read `budget_confirmed_c`), when it is kept under its
/// header as written, else that key numbered (`_2`). Returns the columns moved, with the
/// key they would have had and who holds it, for `--dry-run` to say.
fn distinct_meta_keys(
    headers: &[String],
    columns: &mut [Target],
    explicit: &[bool],
) -> Result<HashMap<usize, (String, String)>> {
    let mut taken: HashMap<String, String> = HashMap::new();
    if columns.contains(&Target::Currency) {
        for key in ["original_value", "original_currency"] {
            taken.insert(key.to_string(), "the converted amount's original".into());
        }
    }
    for (i, target) in columns.iter().enumerate() {
        if let (Target::Meta(key), true) = (target, explicit[i]) {
            let column = format!("column '{}'", headers[i].trim());
            if let Some(holder) = taken.insert(key.clone(), column.clone()) {
                return Err(Error::usage(format!(
                    "line 1: {column} and {holder} both go to metadata.{key}; map the column to another key with --map metadata.KEY='{}'; nothing was imported",
                    headers[i].trim()
                )));
            }
        }
    }
    let mut moved = HashMap::new();
    for (i, target) in columns.iter_mut().enumerate() {
        let Target::Meta(key) = target else { continue };
        if explicit[i] {
            continue;
        }
        let column = format!("column '{}'", headers[i].trim());
        let Some(holder) = taken.get(key.as_str()).cloned() else {
            taken.insert(key.clone(), column);
            continue;
        };
        let written = headers[i].trim().to_string();
        let distinct = std::iter::once(written)
            .chain((2..).map(|n| format!("{key}_{n}")))
            .find(|k| !k.is_empty() && !taken.contains_key(k))
            .unwrap_or_default();
        taken.insert(distinct.clone(), column);
        moved.insert(i, (std::mem::replace(key, distinct), holder));
    }
    Ok(moved)
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

impl Translator {
    /// A translator for a file with `headers`: the profile's columns, overridden by `maps`
    /// (`FIELD=COLUMN`, `-=COLUMN`); rex's own field names match ignoring case and spaces;
    /// anything else is refused unless `keep_unknown` (then it goes to metadata).
    pub fn new(
        profile: Option<Crm>,
        headers: &[String],
        maps: &[String],
        keep_unknown: bool,
        rates: &[String],
        order: Option<DateOrder>,
        decimal: Option<DecimalMark>,
    ) -> Result<Translator> {
        let mut chosen: HashMap<String, Target> = HashMap::new();
        for m in maps {
            let (field, column) = m.split_once('=').ok_or_else(|| {
                Error::usage(format!(
                    "--map '{m}': use FIELD=COLUMN, or -=COLUMN to drop a column"
                ))
            })?;
            let field = field.trim();
            // The column as the header writes it: exactly, else ignoring case, so that one
            // column given twice in two spellings is found mapped twice.
            let column = headers
                .iter()
                .map(|h| h.trim())
                .find(|h| *h == column.trim())
                .or_else(|| {
                    let mut alike = headers
                        .iter()
                        .map(|h| h.trim())
                        .filter(|h| h.to_lowercase() == column.trim().to_lowercase());
                    alike.next().filter(|_| alike.next().is_none())
                })
                .ok_or_else(|| {
                    Error::usage(format!(
                        "--map '{m}': the file has no column '{}'; its columns: {}",
                        column.trim(),
                        headers.join(", ")
                    ))
                })?;
            let target = match field {
                "-" => Target::Drop,
                "currency" => Target::Currency,
                "origin" => Target::Source,
                f if MAPPABLE.contains(&f) => {
                    Target::Field(MAPPABLE.iter().find(|x| **x == f).copied().unwrap_or("name"))
                }
                f if f.starts_with("metadata.") && f.len() > 9 => Target::Meta(f[9..].to_string()),
                f => {
                    return Err(Error::usage(format!(
                        "--map '{m}': '{f}' is not a field rex imports; use one of {}, origin, metadata.KEY or -",
                        MAPPABLE.join(", ")
                    )))
                }
            };
            if target != Target::Drop {
                if let Some((other, _)) = chosen.iter().find(|(_, t)| **t == target) {
                    return Err(Error::usage(format!(
                        "--map '{m}': {} is already mapped to column '{other}'; map each field once",
                        target_name(&target)
                    )));
                }
            }
            if let Some(before) = chosen.insert(column.to_string(), target) {
                return Err(Error::usage(format!(
                    "--map '{m}': column '{column}' is already mapped (to {}); map each column once",
                    target_name(&before)
                )));
            }
        }
        let mut columns = Vec::with_capacity(headers.len());
        for h in headers {
            let own = h.trim().to_ascii_lowercase().replace(' ', "_");
            let target = match chosen.get(h.trim()) {
                Some(t) => t.clone(),
                None => match profile.and_then(|p| p.column(h)) {
                    Some(t) => t,
                    None if MAPPABLE.contains(&own.as_str()) || own == "metadata" || own == "id" => {
                        Target::Field(
                            ["metadata", "id"]
                                .into_iter()
                                .chain(MAPPABLE)
                                .find(|f| *f == own)
                                .unwrap_or("name"),
                        )
                    }
                    None if keep_unknown => Target::Meta(meta_key(h)),
                    None => {
                        return Err(Error::usage(format!(
                            "line 1: column '{h}' is not a field rex knows; map it with --map FIELD='{h}', drop it with --map -='{h}', or keep it in metadata with --keep-unknown; nothing was imported"
                        )))
                    }
                },
            };
            columns.push(target);
        }
        let explicit: Vec<bool> = headers
            .iter()
            .map(|h| chosen.contains_key(h.trim()))
            .collect();
        let moved = distinct_meta_keys(headers, &mut columns, &explicit)?;
        // Two columns that fill one field: the later would silently win. (Columns kept in
        // metadata by their header, which may read alike, are not fields.)
        for (i, target) in columns.iter().enumerate() {
            if matches!(target, Target::Drop | Target::Meta(_)) {
                continue;
            }
            if let Some(j) = columns[..i].iter().position(|t| fill_one_field(t, target)) {
                return Err(one_field(&headers[j], &headers[i], target));
            }
        }
        // Every deal has a name: a file without a column for it is refused at its header,
        // not at its first row.
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::usage(
                "line 1: the file has no header; a CSV starts with a line naming its columns; nothing was imported",
            ));
        }
        if !columns.contains(&Target::Field("name")) {
            return Err(Error::usage(format!(
                "line 1: no column is the deal's name (the file has {}); say which with --map name=COLUMN; nothing was imported",
                crate::cmd::quoted(headers, 6)
            )));
        }
        let mut parsed = HashMap::new();
        for r in rates {
            let (currency, value) = r.split_once('=').ok_or_else(|| {
                Error::usage(format!("--rate '{r}': use CURRENCY=RATE, like EUR=1.0825"))
            })?;
            let value = rate(value).map_err(|e| Error::usage(format!("--rate '{r}': {e}")))?;
            let currency = currency.trim().to_ascii_uppercase();
            if currency == "USD" {
                return Err(Error::usage(format!(
                    "--rate '{r}': rex keeps dollars, so dollars need no rate; give rates of other currencies only"
                )));
            }
            if parsed.insert(currency.clone(), value).is_some() {
                return Err(Error::usage(format!(
                    "--rate '{r}': {currency} is given a rate twice; give each currency one --rate"
                )));
            }
        }
        Ok(Translator {
            profile,
            columns,
            headers: headers.to_vec(),
            rates: parsed,
            order,
            notation: decimal.map(|d| match d {
                DecimalMark::Point => Notation::Point,
                DecimalMark::Comma => Notation::Comma,
            }),
            skipped: std::cell::RefCell::new(None),
            mapped: !maps.is_empty(),
            mapped_expected: chosen
                .values()
                .any(|t| *t == Target::Field("expected_close")),
            surveyed: Surveyed::default(),
            keys: HashMap::new(),
            moved,
            rounding: Rounding::default(),
            orders: HashMap::new(),
            won: Vec::new(),
            lost: Vec::new(),
        })
    }

    /// The order of each date column's numeric dates, where one of its dates settles it
    /// (`13/01/2025` is day first, `01/13/2025` month first) and --date-order is not given:
    /// a column whose dates say both is refused, naming a line of each.
    fn settle_date_orders(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        if self.order.is_some() {
            return Ok(());
        }
        for (i, (header, target)) in self.headers.iter().zip(&self.columns).enumerate() {
            let dated = matches!(
                target,
                Target::Field(
                    "created_at"
                        | "updated_at"
                        | "closed_at"
                        | "stage_entered_at"
                        | "expected_close"
                ) | Target::WonTime
                    | Target::LostTime
                    | Target::ClosedOn
            );
            if !dated {
                continue;
            }
            let (mut dmy, mut mdy) = (None, None);
            for (k, (at, row)) in rows.iter().enumerate() {
                let Some(text) = row.get(i).map(str::trim) else {
                    continue;
                };
                match numeric_date(text).and_then(|(nums, n, _)| day_first(&nums, &n)) {
                    Some(true) => dmy = dmy.or(Some((k, at, text))),
                    Some(false) => mdy = mdy.or(Some((k, at, text))),
                    None => {}
                }
            }
            let order = match (dmy, mdy) {
                (Some((k, a, x)), Some((l, b, y))) => {
                    let ((first, one, said), (second, other, then)) = if k < l {
                        ((a, x, "day"), (b, y, "month"))
                    } else {
                        ((b, y, "month"), (a, x, "day"))
                    };
                    return Err(Error::usage(format!(
                        "{first} and {second}: column '{}' writes dates in two orders ('{one}' is {said} first, '{other}' {then} first); correct one, or say which with --date-order mdy or dmy; nothing was imported",
                        header.trim()
                    )));
                }
                (Some(_), None) => DateOrder::Dmy,
                (None, Some(_)) => DateOrder::Mdy,
                (None, None) => continue,
            };
            self.orders.insert(header.clone(), order);
        }
        Ok(())
    }

    /// What a column named `id` holds in a file without a profile: rex's own deal ids
    /// (`deal_…`, a file rex exported), or another system's (`__export__.crm_lead_522`,
    /// `84257000004163092`), which are each row's origin (`csv:VALUE`) as with
    /// `--map origin=id`. A column that holds both is refused naming a line of each: which
    /// rows update rex's deals would be a guess.
    fn settle_ids(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let Some(i) = self.columns.iter().position(|t| *t == Target::Field("id")) else {
            return Ok(());
        };
        let (mut own, mut foreign) = (None, None);
        for (k, (at, row)) in rows.iter().enumerate() {
            let text = row.get(i).map_or("", str::trim);
            if text.is_empty() {
                continue;
            }
            // `deal_` says it is meant as rex's (a mistyped one is refused as it is).
            let slot = if text.starts_with("deal_") {
                &mut own
            } else {
                &mut foreign
            };
            slot.get_or_insert((k, at, text));
        }
        match (own, foreign) {
            (Some((k, a, x)), Some((l, b, y))) => {
                let header = self.headers[i].trim();
                let (first, second) = if k < l { (a, b) } else { (b, a) };
                Err(Error::usage(format!(
                    "{first} and {second}: column '{header}' holds rex's deal ids ('{x}') and another system's ('{y}'); import them as two files, or keep them all as origins with --map origin='{header}'; nothing was imported"
                )))
            }
            (None, Some(_)) => {
                if let Some(j) = self.columns.iter().position(|t| *t == Target::Source) {
                    return Err(one_field(
                        &self.headers[i.min(j)],
                        &self.headers[i.max(j)],
                        &Target::Source,
                    ));
                }
                self.columns[i] = Target::Source;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The values of the stage column that mean won and lost (`--won-stage`,
    /// `--lost-stage`), besides the profile's own outcome stages: refused when a value is
    /// given as both, or when no column is the stage.
    pub fn outcomes(&mut self, won: &[String], lost: &[String]) -> Result<()> {
        if won.is_empty() && lost.is_empty() {
            return Ok(());
        }
        let key = |v: &String| v.trim().to_lowercase();
        for (flag, values) in [("--won-stage", won), ("--lost-stage", lost)] {
            if let Some(v) = values.iter().find(|v| v.trim().is_empty()) {
                return Err(Error::usage(format!(
                    "{flag} '{v}': give a value of the stage column, like {flag} 'Closed Won'; nothing was imported"
                )));
            }
        }
        if let Some(w) = won.iter().find(|w| lost.iter().any(|l| key(l) == key(w))) {
            return Err(Error::usage(format!(
                "--won-stage and --lost-stage both name '{}'; a stage means won or lost, not both; nothing was imported",
                w.trim()
            )));
        }
        if !self.columns.contains(&Target::Field("stage_id")) {
            let flag = if won.is_empty() {
                "--lost-stage"
            } else {
                "--won-stage"
            };
            return Err(Error::usage(format!(
                "{flag} names values of the stage column, but no column is the stage; map one with --map stage_id=COLUMN; nothing was imported"
            )));
        }
        self.won = won.iter().map(key).collect();
        self.lost = lost.iter().map(key).collect();
        Ok(())
    }

    /// Every `--won-stage` and `--lost-stage` value is one the stage column holds: a
    /// misspelt one (`Wonn`) would quietly leave every won deal open.
    fn check_outcomes(&self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let Some(at) = self
            .columns
            .iter()
            .position(|t| *t == Target::Field("stage_id"))
        else {
            return Ok(());
        };
        // The column's values in the order they first come, each once (ignoring case).
        let (mut held, mut keys) = (Vec::new(), std::collections::HashSet::new());
        for (_, row) in rows {
            let cell = row.get(at).unwrap_or("").trim();
            if !cell.is_empty() && keys.insert(cell.to_lowercase()) {
                held.push(cell);
            }
        }
        for (flag, values) in [("--won-stage", &self.won), ("--lost-stage", &self.lost)] {
            if let Some(v) = values.iter().find(|v| !keys.contains(*v)) {
                let holds = match held.is_empty() {
                    true => "nothing".to_string(),
                    false => crate::cmd::quoted(&held, 8),
                };
                return Err(Error::usage(format!(
                    "{flag} '{v}': no row of column '{}' says it (it holds {holds}); nothing was imported",
                    self.headers[at].trim(),
                )));
            }
        }
        Ok(())
    }

    /// The status a value of the stage column stands for: won or lost by `--won-stage`
    /// and `--lost-stage` (ignoring case and surrounding spaces), else by the profile.
    fn outcome(&self, stage: &str) -> Option<&'static str> {
        let s = stage.trim().to_lowercase();
        if self.won.contains(&s) {
            Some("won")
        } else if self.lost.contains(&s) {
            Some("lost")
        } else {
            outcome(self.profile, stage)
        }
    }

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

    /// Learns what the whole file says before any of its rows is read as a record (`rows`:
    /// each row with where it is, `line 7`).
    pub fn survey(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        self.settle_date_orders(rows)?;
        self.settle_ids(rows)?;
        self.check_outcomes(rows)?;
        self.plan_stages(rows);
        self.identify_rows(rows)?;
        Ok(())
    }

    /// What the survey found, for the importer to act on before the first deal.
    pub fn surveyed(&self) -> Surveyed {
        self.surveyed.clone()
    }

    /// Whether a row of the file holds a deal (not blank, named; in a Salesforce report, not
    /// its totals or footer), as far as the whole-file survey needs to know.
    fn holds_deal(&self, cells: &[&str]) -> bool {
        let name = Target::Field("name");
        let named = self
            .columns
            .iter()
            .zip(cells)
            .any(|(t, c)| *t == name && !c.trim().is_empty());
        let report_row = self.profile != Some(Crm::Salesforce)
            || (cells.len() >= self.headers.len() && !self.is_totals(cells));
        named && report_row
    }

    /// The stages the file names, per pipeline, in the CRM's order: Salesforce's
    /// StageSortOrder where the file has it, else the profile's default order, then the
    /// order in which the file first names them. Outcomes (Closed Won) are not stages.
    fn plan_stages(&mut self, rows: &[(String, csv::StringRecord)]) {
        let column = |t: &Target| self.columns.iter().position(|c| c == t);
        let (stage_at, pipeline_at, order_at) = (
            column(&Target::Field("stage_id")),
            column(&Target::Field("pipeline_id")),
            column(&Target::StageOrder),
        );
        let key = |n: &str| n.to_lowercase();
        // Per pipeline: each stage's name, sort order (the smallest given) and first row.
        type Seen = Vec<(String, Option<i64>, usize)>;
        let mut plans: Vec<(Option<String>, Seen)> = Vec::new();
        // Where each pipeline is in `plans`, and each of its stages in its plan, by key.
        let mut at_plan: HashMap<Option<String>, usize> = HashMap::new();
        let mut at_stage: HashMap<(usize, String), usize> = HashMap::new();
        for (i, (_, row)) in rows.iter().enumerate() {
            let cells: Vec<&str> = row.iter().collect();
            if !self.holds_deal(&cells) {
                continue;
            }
            let cell = |at: Option<usize>| {
                at.and_then(|c| cells.get(c))
                    .map(|c| one_line(c))
                    .filter(|c| !c.is_empty())
            };
            let pipeline = cell(pipeline_at);
            let p = *at_plan
                .entry(pipeline.as_deref().map(key))
                .or_insert_with(|| {
                    plans.push((pipeline, Vec::new()));
                    plans.len() - 1
                });
            let plan = &mut plans[p].1;
            let Some(stage) = cell(stage_at) else {
                continue;
            };
            if self.outcome(&stage).is_some() || crate::id::kind_of(&stage).is_some() {
                continue;
            }
            let order = cell(order_at).and_then(|o| o.parse::<i64>().ok());
            match at_stage.get(&(p, key(&stage))) {
                Some(&k) => {
                    let known = &mut plan[k].1;
                    *known = match (*known, order) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    }
                }
                None => {
                    at_stage.insert((p, key(&stage)), plan.len());
                    plan.push((stage, order, i));
                }
            }
        }
        self.surveyed.pipelines = plans
            .into_iter()
            .map(|(pipeline, mut seen)| {
                let sorted_by_file = seen.iter().any(|(_, o, _)| o.is_some());
                let rank = |name: &str, order: Option<i64>| {
                    if sorted_by_file {
                        order
                    } else {
                        default_rank(self.profile, name).map(|r| r as i64)
                    }
                };
                // Ranked stages first, by rank; then the others as the file names them.
                seen.sort_by_key(|(name, order, first)| match rank(name, *order) {
                    Some(r) => (0, r, *first),
                    None => (1, 0, *first),
                });
                let stages = seen.into_iter().map(|(name, _, _)| name).collect();
                PlannedPipeline { pipeline, stages }
            })
            .collect();
    }

    /// Gives each row an origin when the file has no id column, so that importing it again
    /// is recognised: the CRM's external id where the file has one (Salesforce's
    /// `External_Id__c`), else a key made of the row's identifying columns (its name, its
    /// account or contact, its creation time; never an amount, a stage or a date that moves).
    /// Rows with the same key are told apart by their order in the file. Rex's own files,
    /// and those read with --keep-unknown alone, are not given one.
    fn identify_rows(&mut self, rows: &[(String, csv::StringRecord)]) -> Result<()> {
        let own_id = self
            .columns
            .iter()
            .any(|t| matches!(t, Target::Source | Target::Field("id")));
        if own_id || (self.profile.is_none() && !self.mapped) {
            return Ok(());
        }
        if self
            .columns
            .iter()
            .any(|t| matches!(t, Target::ExternalId(_)))
        {
            return Ok(());
        }
        let identifying = |h: &str, t: &Target| match t {
            Target::Field("name" | "contact_id" | "created_at") => true,
            Target::Meta(_) => matches!(
                folded(h).as_str(),
                "account"
                    | "accountname"
                    | "accountid"
                    | "accountexternalidc"
                    | "company"
                    | "companyname"
                    | "companyid"
                    | "associatedcompany"
                    | "associatedcontact"
                    | "organization"
                    | "organizationname"
            ),
            _ => false,
        };
        let key_columns: Vec<usize> = (0..self.columns.len())
            .filter(|&i| identifying(&self.headers[i], &self.columns[i]))
            .collect();
        if !key_columns
            .iter()
            .any(|&i| self.columns[i] == Target::Field("name"))
        {
            return Ok(());
        }
        let names: Vec<&str> = key_columns
            .iter()
            .map(|&i| self.headers[i].trim())
            .collect();
        let names = names.join(" + ");
        let profile = self.profile.map_or("csv", Crm::name);
        let mut count: HashMap<String, usize> = HashMap::new();
        let mut twins = 0u64;
        for (at, row) in rows {
            let cells: Vec<&str> = row.iter().collect();
            if !self.holds_deal(&cells) {
                continue;
            }
            let values: Vec<String> = key_columns
                .iter()
                .map(|&i| cells.get(i).map_or(String::new(), |c| one_line(c)))
                .collect();
            let key = serde_json::to_string(&values).unwrap_or_default();
            let n = count.entry(key.clone()).or_insert(0);
            *n += 1;
            let origin = match *n {
                1 => format!("{profile}/key:{key}"),
                n => {
                    twins += 1;
                    format!("{profile}/key:{key}#{n}")
                }
            };
            // An origin is at most 500 characters (as any import's).
            let long = origin.chars().count();
            if long > 500 {
                return Err(Error::usage(format!(
                    "{at}: the deal is known by {names}, {long} characters together, over the 500 an origin may have; name an id column with --map origin=COLUMN; nothing was imported"
                )));
            }
            self.keys.insert(at.clone(), origin);
        }
        self.surveyed.notes.push(format!(
            "the file has no id column: deals are known by {names} (--map origin=COLUMN names one)"
        ));
        if twins > 0 {
            let rows = if twins == 1 { "row has" } else { "rows have" };
            self.surveyed.notes.push(format!(
                "{} {rows} the same {names} as an earlier row: each is a deal of its own, told apart by its order in the file",
                crate::money::grouped(twins.into())
            ));
        }
        Ok(())
    }

    /// What each column maps to, for `--dry-run`.
    pub fn describe(&self) -> Vec<String> {
        self.headers
            .iter()
            .zip(&self.columns)
            .enumerate()
            .map(|(i, (h, t))| match self.moved.get(&i) {
                Some((key, holder)) => format!(
                    "column '{h}' → {} (metadata.{key} is {holder})",
                    target_name(t)
                ),
                None => format!("column '{h}' → {}", target_name(t)),
            })
            .collect()
    }

    /// Whether a report's row is one of its totals (`Grand Totals (4 records)`, `Total`,
    /// `Subtotal`) rather than a deal: its first cell says so and it has no stage; or a
    /// footer line padded to the header's width (no stage and no amount). A deal named
    /// `Grand Totals Ltd`, or `Total` in a stage, is a deal.
    fn is_totals(&self, cells: &[&str]) -> bool {
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

    /// The rex record for one row, or None for a row the CRM adds that holds no deal (a
    /// row of empty cells; a report's totals and footer).
    pub fn record(&self, at: &str, row: &csv::StringRecord) -> Result<Option<Map<String, Value>>> {
        let cells: Vec<&str> = row.iter().collect();
        let empty = cells.iter().all(|c| c.trim().is_empty());
        if self.profile == Some(Crm::Salesforce) {
            // A report ends in rows that hold no deal (totals, copyright): narrower than the
            // header, or without a name. Only after the last deal: one in the middle is refused.
            // (A report without a name column has no deals: its rows go on to be refused.)
            let name = Target::Field("name");
            let unnamed = self.columns.contains(&name)
                && self
                    .columns
                    .iter()
                    .zip(&cells)
                    .all(|(t, c)| *t != name || c.trim().is_empty());
            if empty || cells.len() < self.headers.len() || unnamed || self.is_totals(&cells) {
                self.skipped
                    .borrow_mut()
                    .get_or_insert_with(|| at.to_string());
                return Ok(None);
            }
            if let Some(skipped) = self.skipped.borrow().as_deref() {
                return Err(Error::usage(format!(
                    "{skipped}: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it ({at}); only the report's footer may end its rows; nothing was imported"
                )));
            }
        } else if empty {
            return Ok(None);
        }
        let bad = |field: &str, why: String| {
            Error::usage(format!(
                "{at}: field '{field}': {why}; nothing was imported"
            ))
        };
        let mut out = Map::new();
        let mut meta = Map::new();
        let (mut amount, mut micros, mut currency) = (None, None, None);
        let (mut status, mut is_closed, mut is_won) = (None, None, None);
        let (mut won_time, mut lost_time, mut closed_on) = (None, None, None);
        let (mut status_column, mut stage_column) = (None, "stage_id");
        for ((header, target), text) in self.headers.iter().zip(&self.columns).zip(&cells) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match target {
                Target::Drop => {}
                Target::Field("name") => {
                    out.insert("name".into(), Value::String(one_line(text)));
                }
                Target::Field("value") => {
                    let cents = text
                        .parse::<i64>()
                        .map_err(|_| bad(header, format!("expected whole cents, got '{text}'")))?;
                    out.insert("value".into(), Value::from(cents));
                }
                Target::Field("status") | Target::Status => {
                    status_column = Some(header);
                    status = Some(text.to_ascii_lowercase())
                }
                Target::Field("probability") | Target::ProbabilityPercent => {
                    out.insert(
                        "probability".into(),
                        Value::from(self.percent(text, 0).map_err(|e| bad(header, e))?),
                    );
                }
                Target::Field("value_dollars") => {
                    // Dollars as the file writes them (as rex's own, `$5,000.50`, unless
                    // --decimal comma), to cents by the one rule for cents (`--round`).
                    let dollars = match self.notation {
                        Some(Notation::Comma) => Decimal::parse(text, Notation::Comma)
                            .map_err(|e| format!("'{text}': {e}")),
                        _ => Cents::dollars(text),
                    };
                    let cents = dollars
                        .and_then(|d| self.rounding.cents(&d, text))
                        .map_err(|e| bad(header, e))?;
                    out.insert("value".into(), Value::from(cents.get()));
                }
                Target::Field(
                    f @ ("created_at" | "updated_at" | "closed_at" | "stage_entered_at"),
                ) => {
                    let t = self.time(header, text).map_err(|e| bad(header, e))?;
                    out.insert((*f).to_string(), Value::String(t));
                }
                Target::Field("expected_close") => {
                    let d = self.date(header, text).map_err(|e| bad(header, e))?;
                    out.insert("expected_close".into(), Value::String(d));
                }
                Target::Field(f) => {
                    if *f == "stage_id" {
                        stage_column = header;
                    }
                    out.insert((*f).to_string(), Value::String(one_line(text)));
                }
                Target::Source => {
                    let p = self.profile.map_or("csv", Crm::name);
                    out.insert("origin".into(), Value::String(format!("{p}:{text}")));
                }
                Target::Amount => amount = Some((header, text)),
                Target::AmountMicros => micros = Some((header, text)),
                Target::Currency => currency = Some(text.to_ascii_uppercase()),
                Target::ProbabilityFraction => {
                    out.insert(
                        "probability".into(),
                        Value::from(self.percent(text, 2).map_err(|e| bad(header, e))?),
                    );
                }
                Target::IsClosed => is_closed = Some((header, truth(text))),
                Target::IsWon => is_won = Some((header, truth(text))),
                Target::WonTime => won_time = Some((header, text)),
                Target::LostTime => lost_time = Some((header, text)),
                Target::ClosedOn => closed_on = Some((header, text)),
                Target::Meta(k) => {
                    meta.insert(k.clone(), Value::String(text.to_string()));
                }
                Target::StageOrder => {}
                Target::ExternalId(k) => {
                    meta.insert(k.clone(), Value::String(text.to_string()));
                    // The file's only id: a namespace of its own, apart from the CRM's ids.
                    if !self.columns.contains(&Target::Source) {
                        let p = self.profile.map_or("csv", Crm::name);
                        out.insert(
                            "origin".into(),
                            Value::String(format!("{p}/external_id:{text}")),
                        );
                    }
                }
            }
        }
        if let Some(origin) = self.keys.get(at) {
            out.entry("origin")
                .or_insert_with(|| Value::String(origin.clone()));
        }
        if !out.contains_key("name") {
            let column = self.header_of(&Target::Field("name")).unwrap_or("name");
            return Err(Error::usage(format!(
                "{at}: column '{column}' is empty, and every deal needs a name; fill it in, or name deals by another column with --map name=COLUMN; nothing was imported"
            )));
        }
        // The status: the CRM's own rule.
        match (is_closed, is_won) {
            (Some((_, false)), Some((header, true))) => {
                return Err(bad(
                    header,
                    "the deal is won but IsClosed says it is open; a won deal is closed: make IsClosed true or IsWon false".into(),
                ))
            }
            (Some((_, closed)), Some((header, won))) => {
                status_column = Some(header);
                status = Some(
                    match (closed, won) {
                        (false, _) => "open",
                        (true, true) => "won",
                        (true, false) => "lost",
                    }
                    .to_string(),
                );
            }
            // Won is closed, in Salesforce as in rex.
            (None, Some((header, true))) => {
                status_column = Some(header);
                status = Some("won".to_string())
            }
            _ => {}
        }
        if let Some(stage) = out.get("stage_id").and_then(Value::as_str) {
            if let Some(s) = self.outcome(stage) {
                // A status column that says otherwise is a contradiction, not a choice.
                if let (Some(said), Some(column)) = (&status, status_column) {
                    if said.as_str() != s {
                        return Err(bad(
                            stage_column,
                            format!(
                                "'{stage}' means {s}, but column '{}' says it is {said}; make them agree or drop one column",
                                column.trim()
                            ),
                        ));
                    }
                }
                status = Some(s.to_string());
                // An outcome is not a stage: the deal keeps the pipeline's last open stage.
                out.remove("stage_id");
            }
        }
        if let Some(s) = &status {
            let s = match s.as_str() {
                "open" | "won" | "lost" | "stalled" => s.clone(),
                other => {
                    return Err(bad(
                        "status",
                        format!("'{other}' is not open, won, lost or stalled"),
                    ))
                }
            };
            out.insert("status".into(), Value::String(s));
        }
        let closed = matches!(status.as_deref(), Some("won" | "lost"));
        if let (Some((header, true)), false) = (is_closed, closed) {
            return Err(bad(
                header,
                "the deal is closed but nothing says whether it was won or lost (no IsWon, no Closed Won or Closed Lost stage); add IsWon".into(),
            ));
        }
        // When it closed, or when it is expected to.
        let when = match status.as_deref() {
            Some("won") => won_time.or(closed_on),
            Some("lost") => lost_time.or(closed_on),
            _ => None,
        };
        if let Some((header, text)) = when {
            let t = self.time(header, text).map_err(|e| bad(header, e))?;
            out.insert("closed_at".into(), Value::String(t));
        }
        // A closed row whose only date is the one mapped as its expected close (a close
        // date column, like Maven's close_date) closed then, not when it is imported.
        if closed && self.mapped_expected && !out.contains_key("closed_at") {
            if let Some(Value::String(day)) = out.get("expected_close") {
                let t = self
                    .time("expected_close", day)
                    .map_err(|e| bad("expected_close", e))?;
                out.insert("closed_at".into(), Value::String(t));
            }
        }
        // A column mapped to closed_at on a row that is not closed: the file contradicts
        // itself, or the column is when deals are expected to close.
        if !closed && out.contains_key("closed_at") {
            let column = self
                .header_of(&Target::Field("closed_at"))
                .unwrap_or("closed_at");
            let status = status.as_deref().unwrap_or("open");
            let a = if status == "open" { "an" } else { "a" };
            return Err(bad(
                column,
                format!(
                    "{a} {status} deal has no closed_at; leave it empty, give the row a closed status, or map the column with --map expected_close='{column}' if it is when deals are expected to close"
                ),
            ));
        }
        if !closed {
            if let Some((header, text)) = closed_on {
                let d = self.date(header, text).map_err(|e| bad(header, e))?;
                out.entry("expected_close").or_insert(Value::String(d));
            }
        }
        // Money: in dollars as cents, converted at --rate when in another currency.
        let exported = match (amount, micros) {
            (Some((header, text)), _) => Some((
                header,
                text.to_string(),
                self.amount(text, currency.as_deref()),
            )),
            (None, Some((header, text))) => {
                let amount = Decimal::parse(text, Notation::Plain)
                    .and_then(|m| match m.scale() {
                        0 => Ok(m.shifted(6)),
                        _ => Err("millionths are a whole number".into()),
                    })
                    .map_err(|e| bad(header, format!("'{text}': {e}")))?;
                // Millionths are not decimals as written: $0.50 is 500000.
                Some((header, amount.to_string(), Ok(amount.trimmed())))
            }
            (None, None) => None,
        };
        if let Some((header, text, amount)) = exported {
            let amount = amount.map_err(|e| bad(header, format!("'{text}': {e}")))?;
            let cents = match currency.as_deref() {
                None | Some("USD") => self
                    .rounding
                    .cents(&amount, &text)
                    .map_err(|e| bad(header, format!("{e}{}", self.hint(&text, 2))))?,
                Some(other) => {
                    let rate = self.rates.get(other).ok_or_else(|| {
                        Error::usage(format!(
                            "{at}: the value is in {other}, not dollars; give its rate, like --rate {other}=1.0825; nothing was imported"
                        ))
                    })?;
                    meta.insert("original_value".into(), Value::String(text.clone()));
                    meta.insert("original_currency".into(), Value::String(other.to_string()));
                    Cents::converted(&amount, rate)
                        .map_err(|e| bad(header, format!("'{text}' {other} at {rate}: {e}")))?
                }
            };
            out.insert("value".into(), Value::from(cents.get()));
        }

        // A metadata column is JSON, read as strictly as any import; the columns kept in
        // metadata join it.
        let mut all = match out.remove("metadata") {
            Some(Value::String(s)) => match json::parse(&s, json::MAX_DEPTH) {
                Ok(Value::Object(m)) => m,
                Ok(other) => {
                    return Err(bad("metadata", format!("expected an object, got {other}")))
                }
                Err(r) => return Err(crate::transfer::importer::refused(at, "metadata", &r)),
            },
            _ => Map::new(),
        };
        // A key both there and in a column kept in metadata would lose one value: the same
        // value is one, two are refused.
        for (key, value) in meta {
            if let Some(before) = all.get(&key).filter(|b| **b != value) {
                let column = self
                    .header_of(&Target::Meta(key.clone()))
                    .unwrap_or(key.as_str());
                return Err(bad(
                    "metadata",
                    format!(
                        "key '{key}' is {before} there and {value} in column '{column}'; keep the column under another key with --map metadata.KEY='{column}', or drop one"
                    ),
                ));
            }
            all.insert(key, value);
        }
        if !all.is_empty() {
            out.insert("metadata".into(), Value::Object(all));
        }
        Ok(Some(out))
    }

    /// An amount as exported, in the file's notation (`48,000.00` unless `--decimal` says
    /// otherwise), in `currency` (None: no column says, so dollars). Refused: a symbol of
    /// another currency (or any but `$` where no currency is given), text that reads as two
    /// different amounts in the two notations when the file does not say which it uses.
    fn amount(&self, text: &str, currency: Option<&str>) -> std::result::Result<Decimal, String> {
        let number = match symbol(text) {
            None => text,
            Some((sign, stands_for, rest)) => {
                match currency {
                    None if sign != '$' => {
                        return Err(format!(
                            "the symbol {sign} says a currency but no currency column gives it; add one (like {}) or write the amount without it",
                            stands_for[0]
                        ))
                    }
                    Some(c) if !stands_for.contains(&c) => {
                        return Err(format!("the symbol {sign} is not the row's currency, {c}"))
                    }
                    _ => rest,
                }
            }
        };
        // Dollars keep at most cents; another currency is converted, so may have more.
        let allowed = |d: &Decimal| currency.is_some_and(|c| c != "USD") || d.scale() <= 2;
        let notation = self.notation.unwrap_or(Notation::Point);
        let read = Decimal::parse(number, notation);
        if self.notation.is_none() {
            let other = Decimal::parse(number, Notation::Comma);
            if let (Ok(a), Ok(b)) = (&read, &other) {
                if allowed(a)
                    && allowed(b)
                    && a.rounded(a.scale().max(b.scale())) != b.rounded(a.scale().max(b.scale()))
                {
                    return Err(format!(
                        "it could be {a} or {b}; say how the file writes decimals with --decimal point or --decimal comma"
                    ));
                }
            }
        }
        read.map_err(|e| format!("{e}{}", self.hint(number, usize::MAX)))
    }

    /// What to say after an amount refused in the file's notation that the other reads.
    fn hint(&self, text: &str, scale: usize) -> String {
        let (other, flag) = match self.notation {
            Some(Notation::Comma) => (Notation::Point, "point"),
            _ => (Notation::Comma, "comma"),
        };
        let text = symbol(text).map_or(text, |(_, _, rest)| rest);
        match Decimal::parse(text, other) {
            Ok(d) if d.scale() <= scale => {
                format!("; if the file writes decimals with a {flag}, give --decimal {flag}")
            }
            _ => String::new(),
        }
    }

    /// A whole percent from a fraction (`places` = 2: 0.6 is 60) or a percent (`places` =
    /// 0: 60 or 60%), halves up.
    fn percent(&self, text: &str, places: usize) -> std::result::Result<i64, String> {
        let t = text.trim().trim_end_matches('%');
        let p = Decimal::parse(t, self.notation.unwrap_or(Notation::Point))
            .ok()
            .and_then(|d| d.rounded(places))
            .ok_or_else(|| format!("'{text}' is not a probability"))?;
        if (0..=100).contains(&p) {
            Ok(p)
        } else {
            Err(format!("'{text}' is not a probability from 0 to 100%"))
        }
    }

    /// A date as rex keeps it (`YYYY-MM-DD`), from the CRM's form.
    fn date(&self, header: &str, text: &str) -> std::result::Result<String, String> {
        self.datetime(header, text)
            .map(|(d, _)| crate::clock::format_date(d))
    }

    /// A time as rex keeps it (RFC 3339 UTC); a time without a zone is local (TZ).
    fn time(&self, header: &str, text: &str) -> std::result::Result<String, String> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return Ok(crate::clock::timestamp(t.with_timezone(&chrono::Utc)));
        }
        if let Ok(t) = chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
            return Ok(crate::clock::timestamp(t.with_timezone(&chrono::Utc)));
        }
        let (day, time) = self.datetime(header, text)?;
        let local = day.and_time(time.unwrap_or_default());
        Ok(crate::clock::timestamp(crate::clock::local_to_utc(local)))
    }

    /// A date and maybe a time of day, in the forms CRMs export, from column `header`.
    fn datetime(
        &self,
        header: &str,
        text: &str,
    ) -> std::result::Result<(NaiveDate, Option<NaiveTime>), String> {
        let t = text.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
            return Ok((dt.date_naive(), Some(dt.time())));
        }
        for f in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M:%S%.fZ",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Ok((dt.date(), Some(dt.time())));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok((d, None));
        }
        // Numeric dates in a locale's order: 6/30/2025, 30.06.2025, 2025/06/30, with a time.
        let Some((nums, n, time_part)) = numeric_date(t) else {
            return Err(format!(
                "'{text}' is not a date rex can read, like 2025-06-30"
            ));
        };
        let candidates: Vec<(DateOrder, Option<NaiveDate>)> =
            [DateOrder::Ymd, DateOrder::Mdy, DateOrder::Dmy]
                .into_iter()
                .map(|o| {
                    let (y, m, d) = match o {
                        DateOrder::Ymd => (n[0], n[1], n[2]),
                        DateOrder::Mdy => (n[2], n[0], n[1]),
                        DateOrder::Dmy => (n[2], n[1], n[0]),
                    };
                    let y = if y < 100 { y + 2000 } else { y };
                    (
                        o,
                        NaiveDate::from_ymd_opt(y as i32, m, d)
                            .filter(|_| o != DateOrder::Ymd || nums[0].len() == 4),
                    )
                })
                .collect();
        // --date-order, else the order the column's other dates settle (see `survey`).
        let order = self.order.or_else(|| self.orders.get(header).copied());
        let date = match order {
            Some(o) => candidates
                .iter()
                .find(|(c, _)| *c == o)
                .and_then(|(_, d)| *d)
                .ok_or_else(|| format!("'{text}' is not a date in the order --date-order gives"))?,
            None => {
                let valid: Vec<NaiveDate> = candidates.iter().filter_map(|(_, d)| *d).collect();
                match valid.as_slice() {
                    [d] => *d,
                    [d, rest @ ..] if rest.iter().all(|r| r == d) => *d,
                    [] => return Err(format!("'{text}' is not a date rex can read, like 2025-06-30")),
                    _ => {
                        return Err(format!(
                            "'{text}' could be month/day or day/month; say which with --date-order mdy or dmy"
                        ))
                    }
                }
            }
        };
        let time = match time_part.filter(|x| !x.is_empty()) {
            None => None,
            Some(x) => Some(
                ["%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p"]
                    .iter()
                    .find_map(|f| NaiveTime::parse_from_str(&x.to_ascii_uppercase(), f).ok())
                    .ok_or_else(|| format!("'{text}' has a time rex cannot read"))?,
            ),
        };
        Ok((date, time))
    }
}

/// A numeric date in a locale's order (`6/30/2025`, `30.06.2025`, `2025/06/30`, maybe with a
/// time after it): its three numbers as written and read, and the rest.
fn numeric_date(t: &str) -> Option<(Vec<&str>, Vec<u32>, Option<&str>)> {
    let (date_part, time_part) = match t.split_once([' ', ',']) {
        Some((d, rest)) => (d.trim(), Some(rest.trim().trim_start_matches(',').trim())),
        None => (t, None),
    };
    let nums: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    let n: Vec<u32> = nums.iter().filter_map(|x| x.parse().ok()).collect();
    (n.len() == 3 && nums.len() == 3).then_some((nums, n, time_part))
}

/// What a numeric date says by itself of its order: a first number above 12 can only be
/// a day (Some(true), day first), a second above 12 only a day (Some(false), month
/// first); None when both could be months, or the year comes first.
fn day_first(nums: &[&str], n: &[u32]) -> Option<bool> {
    if nums[0].len() == 4 {
        return None;
    }
    match (n[0] > 12, n[1] > 12) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
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
