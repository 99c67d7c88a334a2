//! Naming an activity: by its full id, by its reference as tables show it (the end of its
//! id, seven characters or more), or, within one deal, by its subject.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::id::{kind_of, ActivityId};
use crate::ops::lookup::{find_deal, quoted, BASE32};
use crate::record::{name_key, Activity, Deal};
use crate::store::{ActivityFilter, Tx};

/// How many characters an activity's reference has at least.
const REF_MIN: usize = 7;

/// An activity as the user named it: `text`, and the deal whose activity's subject it may
/// be (`--deal`).
/// `done`, when set, is the state the command changes (`activity done` acts on pending
/// activities, `undo` on done ones): a subject several activities share names the one
/// in that state when only one is.
#[derive(Debug, Clone, Default)]
pub struct ActivityRef {
    pub text: String,
    pub deal: Option<String>,
    pub done: Option<bool>,
}

impl ActivityRef {
    pub fn new(text: &str, deal: Option<&str>) -> ActivityRef {
        ActivityRef {
            text: text.to_string(),
            deal: deal.map(str::to_string),
            done: None,
        }
    }

    /// The same name, for a command that changes activities that are `done` (or not).
    pub fn changing(self, done: bool) -> ActivityRef {
        ActivityRef {
            done: Some(done),
            ..self
        }
    }
}

/// The activity `named` names: its full id; the end of its id (at least seven characters,
/// as tables show it) that one activity's id ends in; or, with a deal, the subject of one
/// of that deal's activities ignoring case (else the one subject that contains the text).
/// With a deal, an id or reference names only that deal's activities, and text that is the
/// reference of one and the exact subject of another is refused as naming both; a subject
/// several share names the one in the state the command changes (see [`ActivityRef`]).
/// Several matches are a usage error listing them (exit 2), none is not-found (exit 3).
pub fn find_activity(tx: &dyn Tx, named: &ActivityRef) -> Result<Activity> {
    let text = named.text.trim();
    let deal = match &named.deal {
        Some(deal) => Some(find_deal(tx, deal)?),
        None => None,
    };
    // The refusal of what names none of the deal's activities.
    let not_the_deals = |deal: &Deal, what: &str| -> Result<Error> {
        let (named, reference) = crate::ops::lookup::deal_named(tx, deal)?;
        Ok(Error::not_found(format!(
            "{named} has no activity with the {what} '{text}'; see them with rex activity list --deal {reference}"
        )))
    };
    // Text shaped like an id that names no activity of the deal's (another deal's, one no
    // activity has, one of another kind, a malformed one) is refused with this, unless with
    // --deal it is the subject of one of the deal's (as another deal's reference may be).
    let refusal = match text.parse::<ActivityId>() {
        Ok(id) => match (tx.activity(id)?, &deal) {
            (Some(found), Some(deal)) if found.deal_id != deal.id => {
                Some(not_the_deals(deal, "id")?)
            }
            (Some(found), _) => return Ok(found),
            (None, _) => Some(Error::not_found(format!("no activity with id {id}"))),
        },
        Err(malformed) => match kind_of(text) {
            Some(other) => Some(Error::usage(format!(
                "expected an activity, got a {other} id '{text}'"
            ))),
            None if text.to_ascii_lowercase().starts_with("activity_") => {
                Some(Error::usage(malformed))
            }
            None => None,
        },
    };
    let refusal = match (refusal, &deal) {
        (Some(e), None) => return Err(e),
        (refusal, _) => refusal,
    };
    if text.is_empty() {
        return Err(Error::usage(
            "the activity is empty; give its id, its reference as tables show it, or its subject with --deal DEAL",
        ));
    }
    let typed = text.to_ascii_lowercase();
    let mut by_ref = None;
    let looks_like_ref =
        (REF_MIN..=26).contains(&typed.len()) && typed.chars().all(|c| BASE32.contains(c));
    if looks_like_ref {
        let mut found: Vec<Activity> = tx
            .activities_ending_in(&typed[typed.len() - REF_MIN..], 11)?
            .into_iter()
            .filter(|a| a.id.to_string().ends_with(&typed))
            .filter(|a| deal.as_ref().is_none_or(|d| a.deal_id == d.id))
            .collect();
        match found.len() {
            0 => {}
            1 => by_ref = Some(found.remove(0)),
            n => {
                let ids: Vec<String> = found.iter().map(|a| a.id.to_string()).collect();
                return Err(Error::usage(format!(
                    "'{text}' ends {n} activities' ids: {}; give more of the id",
                    quoted(&ids, 10)
                )));
            }
        }
    }
    let Some(deal) = &deal else {
        return by_ref.ok_or_else(|| {
            Error::not_found(format!(
                "no activity has the id or reference '{text}' (give a full id activity_…, a reference as tables show it, or its subject with --deal DEAL)"
            ))
        });
    };
    let mut all = Vec::new();
    for done in [false, true] {
        let filter = ActivityFilter {
            deal: Some(deal.id),
            done,
            ..Default::default()
        };
        tx.for_each_activity(&filter, &mut |a| {
            all.push(a);
            Ok(())
        })?;
    }
    let key = name_key(text);
    let exact: Vec<&Activity> = all.iter().filter(|a| name_key(&a.subject) == key).collect();
    if let Some(by_ref) = by_ref {
        // A reference names its activity unless the text is also another's whole subject.
        return match exact.iter().find(|a| a.id != by_ref.id) {
            None => Ok(by_ref),
            Some(other) => {
                let refs = activity_refs(tx, &[by_ref.id, other.id])?;
                Err(Error::usage(format!(
                    "'{text}' is the reference of {} {} ({}) and the subject of {} {} ({}), both of {}; give a full id instead",
                    refs[&by_ref.id],
                    by_ref.subject,
                    by_ref.due_date,
                    refs[&other.id],
                    other.subject,
                    other.due_date,
                    deal.name
                )))
            }
        };
    }
    let within: Vec<&Activity> = all
        .iter()
        .filter(|a| name_key(&a.subject).contains(&key))
        .collect();
    // A whole subject shared by a done activity and a pending one (a weekly "Follow up")
    // names the one the command changes; part of a subject names no state.
    let in_state: Vec<&Activity> = match named.done {
        Some(done) => exact.iter().copied().filter(|a| a.done == done).collect(),
        None => Vec::new(),
    };
    let found = match (exact.is_empty(), in_state.is_empty()) {
        (true, _) => within,
        (false, true) => exact,
        (false, false) => in_state,
    };
    match found.len() {
        0 => Err(match refusal {
            Some(refusal) => refusal,
            None if looks_like_ref => not_the_deals(deal, "subject or reference")?,
            None => not_the_deals(deal, "subject")?,
        }),
        1 => Ok(found[0].clone()),
        n => {
            let ids: Vec<ActivityId> = found.iter().map(|a| a.id).collect();
            let refs = activity_refs(tx, &ids)?;
            let shown: Vec<String> = found
                .iter()
                .map(|a| {
                    let done = if a.done { ", done" } else { "" };
                    format!("{} {} ({}{done})", refs[&a.id], a.subject, a.due_date)
                })
                .collect();
            Err(Error::usage(format!(
                "'{text}' matches {n} activities of {}: {}; give a reference instead",
                deal.name,
                shown.join(", ")
            )))
        }
    }
}

/// The short reference of each activity: the shortest end of its id, at least seven
/// characters, that no other activity's id ends in.
pub fn activity_refs(tx: &dyn Tx, ids: &[ActivityId]) -> Result<HashMap<ActivityId, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        let text = id.to_string();
        let end7 = &text[text.len() - REF_MIN..];
        let shared = tx
            .activities_ending_in(end7, 50)?
            .into_iter()
            .filter(|a| a.id != *id)
            .map(|a| {
                let other = a.id.to_string();
                text.bytes()
                    .rev()
                    .zip(other.bytes().rev())
                    .take_while(|(x, y)| x == y)
                    .count()
            })
            .max()
            .unwrap_or(0);
        let n = (shared + 1).max(REF_MIN).min(text.len());
        out.insert(*id, text[text.len() - n..].to_string());
    }
    Ok(out)
}
