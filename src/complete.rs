//! Completion of values from the database (`COMPLETE=bash rex …`): deal references and
//! names, activity references, pipeline names, stage names. It reads an existing database as it stands and never
//! creates, upgrades or waits for one; anything amiss completes nothing.

use clap_complete::CompletionCandidate;

pub mod shells;

use crate::ops::activity::{self, ActivityQuery, Owners};
use crate::store::Store;

/// At most this many deals are offered (the most recently updated active ones).
const DEALS: usize = 200;

fn store() -> Option<Store> {
    let location = crate::settings::database_location(None).ok()?;
    Store::peek(&location)
}

/// Short references, each with its deal's name as help, then the names themselves.
pub fn deals() -> Vec<CompletionCandidate> {
    let Some(mut store) = store() else {
        return Vec::new();
    };
    let found = store.read(|tx| {
        let deals = tx.recent_active_deals(DEALS)?;
        let ids: Vec<_> = deals.iter().map(|d| d.id).collect();
        let refs = crate::ops::lookup::short_refs(tx, &ids, crate::ops::lookup::REF_MIN)?;
        Ok(deals
            .into_iter()
            .map(|d| (refs.get(&d.id).cloned().unwrap_or_default(), d.name))
            .collect::<Vec<_>>())
    });
    let Ok(found) = found else { return Vec::new() };
    let refs = found
        .iter()
        .map(|(r, name)| CompletionCandidate::new(r).help(Some(name.clone().into())));
    let names = found
        .iter()
        .map(|(_, name)| CompletionCandidate::new(name).display_order(Some(1)));
    refs.chain(names).collect()
}

/// At most this many activities are offered (the soonest pending ones).
const ACTIVITIES: u64 = 200;

/// References of the soonest pending activities of whoever rex works as (everyone's when
/// no one is set), each with its subject and deal as help.
pub fn activities() -> Vec<CompletionCandidate> {
    let Some(mut store) = store() else {
        return Vec::new();
    };
    let (Ok(me), Ok(clock)) = (crate::settings::me(), crate::settings::clock()) else {
        return Vec::new();
    };
    let query = ActivityQuery {
        owners: me.map_or(Owners::All, Owners::Of),
        deal: None,
        kind: None,
        overdue: false,
        due_from: None,
        due_to: None,
        done: false,
        limit: Some(ACTIVITIES),
    };
    let found = store.read(|tx| {
        let listed = activity::list(tx, &clock, &query)?;
        let ids: Vec<_> = listed.iter().map(|l| l.activity.id).collect();
        let refs = activity::activity_refs(tx, &ids)?;
        Ok(listed
            .into_iter()
            .map(|l| {
                let r = refs.get(&l.activity.id).cloned().unwrap_or_default();
                (r, format!("{} ({})", l.activity.subject, l.deal_name))
            })
            .collect::<Vec<_>>())
    });
    found
        .unwrap_or_default()
        .into_iter()
        .map(|(r, help)| CompletionCandidate::new(r).help(Some(help.into())))
        .collect()
}

pub fn pipelines() -> Vec<CompletionCandidate> {
    store()
        .and_then(|mut s| s.read(|tx| tx.pipeline_names()).ok())
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}

pub fn stages() -> Vec<CompletionCandidate> {
    let mut names: Vec<String> = store()
        .and_then(|mut s| s.read(|tx| tx.pipelines()).ok())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|p| p.stages.into_iter().map(|s| s.name))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
