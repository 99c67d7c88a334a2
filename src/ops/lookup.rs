//! Finding what a user named: a deal by its id, its reference (or the start of it) or its name; a pipeline
//! by id or name; a stage by id or name, in one pipeline or in any. Every front door names
//! records the same way, so it lives once, here.

use std::collections::HashMap;

use crate::error::{Error, Result};
pub(crate) use crate::id::BASE32;
use crate::id::{kind_of, DealId, PipelineId, StageId};
use crate::record::{Deal, Pipeline, Stage};
use crate::store::Tx;

/// How many characters a short deal reference has at least, when rex prints one.
pub const REF_MIN: usize = 7;

/// How many characters of an id's end a user must type at least to name a deal by it.
const END_TYPED_MIN: usize = 6;

/// How many of a reference's leading characters a user must type at least to name a deal by
/// them: fewer are taken as (part of) a name.
pub const REF_START_MIN: usize = 4;

/// How many of the typed leading characters must lie within an id's last seven (the range of
/// `deals_ref` read): so the leading characters of a reference longer than seven are found
/// from its length minus four.
const START_IN_KEY_MIN: usize = 3;

/// What a user who named no deal can give instead, for the not-found error.
const DEAL_FORMS: &str = "give a full id deal_…, a reference as tables show it (or enough of its start, 4 characters or more), or the deal's name";

/// A deal the user named, in the first of these forms that matches: its full id; its
/// reference as tables show it, or any longer end of its id; the leading characters of its
/// reference (at least four) or the end of its id (at least six) that exactly one deal
/// matches either way; its name ignoring case; the one deal whose name contains the text.
/// Several matches are a usage error listing them (exit 2), none is not-found (exit 3).
pub fn find_deal(tx: &dyn Tx, text: &str) -> Result<Deal> {
    if let Ok(id) = text.parse::<DealId>() {
        return tx
            .deal(id)?
            .ok_or_else(|| Error::not_found(format!("no deal with id {id}")));
    }
    match kind_of(text) {
        Some(other) => {
            return Err(Error::usage(format!(
                "expected a deal, got {} {other} id '{text}'",
                crate::id::article(other)
            )))
        }
        None if text.to_ascii_lowercase().starts_with("deal_") => {
            return Err(Error::usage(text.parse::<DealId>().unwrap_err()));
        }
        None => {}
    }
    let wanted = text.trim();
    if wanted.is_empty() {
        return Err(Error::usage(
            "the deal is empty; give its id, its reference, or its name",
        ));
    }
    let typed = wanted.to_ascii_lowercase();
    if (REF_START_MIN..=26).contains(&typed.len()) && typed.chars().all(|c| BASE32.contains(c)) {
        let mut found = deals_referenced(tx, &typed)?;
        match found.len() {
            0 => {}
            1 => {
                // A deal whose whole name is the text is as good a match as the reference:
                // say so rather than silently acting on the other one.
                let by_ref = found.remove(0);
                let key = crate::record::name_key(wanted);
                let id = by_ref.id;
                let mut both = vec![by_ref];
                both.extend(
                    tx.deals_by_name(&key, true, 10)?
                        .into_iter()
                        .filter(|d| d.id != id),
                );
                if both.len() == 1 {
                    return Ok(both.remove(0));
                }
                let n = both.len() as i64;
                return Err(ambiguous(tx, wanted, both, Some(n))?);
            }
            n => return Err(ambiguous(tx, wanted, found, (n <= 10).then_some(n as i64))?),
        }
    }
    let (mut found, total) = deals_named(tx, wanted, 11)?;
    match found.len() {
        0 => Err(Error::not_found(format!(
            "no deal has the id, reference or name '{wanted}' ({DEAL_FORMS})"
        ))),
        1 => Ok(found.remove(0)),
        _ => Err(ambiguous(tx, wanted, found, Some(total))?),
    }
}

/// The deals (at most 11) that `typed` (lower-case base32) may name as a reference. An end
/// of at least seven characters that one deal's id ends in is that deal's reference (or
/// more of its id): it names that deal alone. Otherwise every deal whose id ends in it (six
/// characters or more) or whose reference as tables show it starts with it is a candidate.
fn deals_referenced(tx: &dyn Tx, typed: &str) -> Result<Vec<Deal>> {
    let mut found: Vec<Deal> = Vec::new();
    if typed.len() >= END_TYPED_MIN {
        found = tx
            .deals_ending_in(typed, 11)?
            .into_iter()
            .filter(|d| d.id.to_string().ends_with(typed))
            .collect();
        if typed.len() >= REF_MIN && found.len() == 1 {
            return Ok(found);
        }
    }
    // A reference is seven characters, or longer where ids share their last seven: each
    // length is one range of deals_ref, checked against the reference the deal has now.
    let longest = (typed.len() + 7 - START_IN_KEY_MIN).min(26);
    for len in typed.len().max(REF_MIN)..=longest {
        let starting = tx.deals_by_reference_start(typed, len, 11)?;
        let ids: Vec<DealId> = starting.iter().map(|d| d.id).collect();
        let refs = short_refs(tx, &ids, REF_MIN)?;
        for d in starting {
            let shown = &refs[&d.id];
            if shown.len() == len && shown.starts_with(typed) && !found.iter().any(|f| f.id == d.id)
            {
                found.push(d);
            }
        }
        if found.len() > 10 {
            break;
        }
    }
    found.truncate(11);
    Ok(found)
}

/// How a message names a deal, as tables do: its name and its reference (`Acme Corp
/// (3kq9v2x)`), never its full id; and the reference alone, for a command to type next.
pub fn deal_named(tx: &dyn Tx, deal: &Deal) -> Result<(String, String)> {
    let reference = short_refs(tx, &[deal.id], REF_MIN)?
        .remove(&deal.id)
        .unwrap_or_else(|| deal.id.to_string());
    Ok((format!("{} ({reference})", deal.name), reference))
}

/// The refusal of a reference several deals match: up to ten as `REF name (stage, value)`.
fn ambiguous(tx: &dyn Tx, text: &str, found: Vec<Deal>, total: Option<i64>) -> Result<Error> {
    let ids: Vec<DealId> = found.iter().map(|d| d.id).collect();
    let refs = short_refs(tx, &ids, REF_MIN)?;
    let labels = tx.stage_labels()?;
    let shown: Vec<String> = found
        .iter()
        .take(10)
        .map(|d| {
            let stage = labels.get(&d.stage_id).map(|l| l.0.as_str()).unwrap_or("");
            format!("{} {} ({stage}, {})", refs[&d.id], d.name, d.value)
        })
        .collect();
    let more = match total {
        Some(n) if n > 10 => format!(", and {} more", n - 10),
        Some(_) => String::new(),
        None => ", and more".to_string(),
    };
    let n = total.map_or_else(|| "more than 10".to_string(), |n| n.to_string());
    Ok(Error::usage(format!(
        "'{text}' matches {n} deals: {}{more}; give more of the reference, or the full id",
        shown.join(", ")
    )))
}

/// At most `limit` deals whose name is `name` ignoring case, and how many there are in
/// all; failing that, the same for names that contain it.
fn deals_named(tx: &dyn Tx, name: &str, limit: usize) -> Result<(Vec<Deal>, i64)> {
    let key = crate::record::name_key(name);
    for exact in [true, false] {
        let found = tx.deals_by_name(&key, exact, limit)?;
        if found.is_empty() {
            continue;
        }
        let total = if found.len() < limit {
            found.len() as i64
        } else {
            tx.count_by_name(&key, exact)?
        };
        return Ok((found, total));
    }
    Ok((Vec::new(), 0))
}

/// The short reference of each deal (`3kq9v2x`): the shortest end of its id, at least `min`
/// characters, that no other deal's id ends in.
pub fn short_refs(tx: &dyn Tx, ids: &[DealId], min: usize) -> Result<HashMap<DealId, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        let text = id.to_string();
        let n = (tx.id_end_shared(*id)? + 1).max(min).min(text.len());
        out.insert(*id, text[text.len() - n..].to_string());
    }
    Ok(out)
}

/// The pipeline named, or the only one there is (for a new deal, a board).
pub fn pipeline_or_only(tx: &dyn Tx, named: Option<&str>) -> Result<Pipeline> {
    if let Some(text) = named {
        return find_pipeline(tx, text);
    }
    let mut all = tx.pipelines()?;
    match all.len() {
        0 => Err(Error::not_found(
            "there is no pipeline yet; create one first: rex pipeline create \"Sales Pipeline\"",
        )),
        1 => Ok(all.remove(0)),
        _ => {
            let names: Vec<String> = all.iter().map(|p| format!("'{}'", p.name)).collect();
            Err(Error::usage(format!(
                "several pipelines exist ({}); choose one with --pipeline NAME",
                names.join(", ")
            )))
        }
    }
}

/// A pipeline by id or by name (ignoring case).
pub fn find_pipeline(tx: &dyn Tx, text: &str) -> Result<Pipeline> {
    if let Ok(id) = text.parse::<PipelineId>() {
        return tx
            .pipeline(id)?
            .ok_or_else(|| Error::not_found(format!("no pipeline with id {id}")));
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a pipeline id or name, got {} {other} id '{text}'",
            crate::id::article(other)
        )));
    }
    if let Some(p) = tx.pipeline_named(text)? {
        return Ok(p);
    }
    let names = tx.pipeline_names()?;
    Err(if names.is_empty() {
        Error::not_found(format!(
            "no pipeline named '{text}'; there are none yet: rex pipeline create \"{text}\""
        ))
    } else {
        Error::not_found(format!(
            "no pipeline named '{text}'; pipelines: {}",
            candidates(&names)
        ))
    })
}

/// A stage of `pipeline` by id or name. A stage id of another pipeline is a conflict.
pub fn find_stage<'p>(tx: &dyn Tx, pipeline: &'p Pipeline, text: &str) -> Result<&'p Stage> {
    if let Ok(id) = text.parse::<StageId>() {
        if let Some(s) = pipeline.stage(id) {
            return Ok(s);
        }
        return Err(match tx.pipeline_of_stage(id)? {
            Some(other) => Error::conflict(format!(
                "stage {id} belongs to pipeline '{}', not '{}'",
                other.name, pipeline.name
            )),
            None => Error::not_found(format!("no stage with id {id}")),
        });
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a stage id or name, got {} {other} id '{text}'",
            crate::id::article(other)
        )));
    }
    let key = crate::record::name_key(text);
    pipeline
        .stages
        .iter()
        .find(|s| crate::record::name_key(&s.name) == key)
        .ok_or_else(|| {
            let names: Vec<String> = pipeline.stages.iter().map(|s| s.name.clone()).collect();
            Error::not_found(format!(
                "no stage named '{text}' in pipeline '{}'; stages: {}",
                pipeline.name,
                candidates(&names)
            ))
        })
}

/// A stage by id or name in any pipeline; a name several pipelines have is ambiguous.
pub fn find_any_stage(tx: &dyn Tx, text: &str) -> Result<(Stage, Pipeline)> {
    if let Ok(id) = text.parse::<StageId>() {
        let p = tx
            .pipeline_of_stage(id)?
            .ok_or_else(|| Error::not_found(format!("no stage with id {id}")))?;
        let s = p
            .stage(id)
            .cloned()
            .ok_or_else(|| Error::not_found(format!("no stage with id {id}")))?;
        return Ok((s, p));
    }
    if let Some(other) = kind_of(text) {
        return Err(Error::usage(format!(
            "expected a stage id or name, got {} {other} id '{text}'",
            crate::id::article(other)
        )));
    }
    let mut found = tx.stages_named(text)?;
    match found.len() {
        0 => Err(Error::not_found(format!(
            "no stage named '{text}' in any pipeline"
        ))),
        1 => {
            let (stage, pid, _) = found.remove(0);
            let p = tx
                .pipeline(pid)?
                .ok_or_else(|| Error::not_found(format!("no pipeline with id {pid}")))?;
            Ok((stage, p))
        }
        _ => {
            let names: Vec<String> = found
                .iter()
                .map(|(s, _, p)| format!("{} ({p})", s.name))
                .collect();
            Err(Error::usage(format!(
                "stage name '{text}' is ambiguous: {}; add --pipeline or use a stage id",
                candidates(&names)
            )))
        }
    }
}

/// Names for a "did you mean" list: at most ten, quoted.
fn candidates(names: &[String]) -> String {
    quoted(names, 10)
}

/// Names in a one-line message: the first `at_most`, quoted, then how many more
/// (`'a', 'b', and 3 more`).
pub fn quoted<S: AsRef<str>>(names: &[S], at_most: usize) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(at_most)
        .map(|n| format!("'{}'", n.as_ref().trim()))
        .collect();
    if names.len() > at_most {
        shown.push(format!("and {} more", names.len() - at_most));
    }
    shown.join(", ")
}
