//! Deals and their next steps: the deals without one (`deal list --no-next-step`), a list
//! by next step (`--sort next-activity`) and its pages, and what closing or deleting a deal
//! says about its activities.

use super::*;
use crate::ops::lookup::find_pipeline;
use crate::ops::pipeline::{create as create_pipeline, NewPipeline};
use crate::ops::testing::{activity, clock, deal, store};
use crate::store::{DealSort, Store};

/// An activity a test deal has: its due day and time, and whether it is done.
type Due<'a> = (&'a str, Option<&'a str>, bool);

/// A pipeline named Sales and these deals in it, each with its status and the activities
/// it has; their ids, in that order.
fn deals_with(store: &mut Store, deals: &[(&str, Status, &[Due])]) -> Vec<DealId> {
    let clock = clock();
    store
        .write(|tx| {
            let new = NewPipeline {
                name: "Sales".into(),
                stages: Vec::new(),
                stall_days: 30,
                probabilities: Vec::new(),
            };
            create_pipeline(tx, &clock, &new)?;
            let p = find_pipeline(tx, "Sales")?;
            // Ids in the order listed, so that ties (all made at once) are listed so too.
            let mut sorted: Vec<DealId> = deals.iter().map(|_| DealId::new()).collect();
            sorted.sort();
            let mut ids = Vec::new();
            for ((name, status, activities), id) in deals.iter().zip(sorted) {
                let made = deal(tx, &clock, &p, name, 100);
                tx.delete_deal(made.id)?;
                let d = Deal {
                    id,
                    status: *status,
                    ..made
                };
                tx.insert_deal(&d)?;
                for (day, time, done) in activities.iter() {
                    activity(tx, &clock, &d, "Call", (day, *time), None, *done);
                }
                ids.push(d.id);
            }
            Ok(ids)
        })
        .unwrap()
}

fn names(store: &mut Store, q: &DealQuery) -> Vec<String> {
    let clock = clock();
    let mut out = Vec::new();
    store
        .read(|tx| {
            out.clear();
            list(tx, &clock, q, &mut |p| {
                out.push(p.deal.name);
                Ok(())
            })
        })
        .unwrap();
    out
}

const PENDING: &[Due] = &[("2026-03-12", None, false)];
const DONE: &[Due] = &[("2026-03-01", None, true)];

#[test]
fn no_next_step_lists_the_active_deals_without_a_pending_activity() {
    let (_dir, mut store) = store();
    deals_with(
        &mut store,
        &[
            ("Planned", Status::Open, PENDING),
            ("Done only", Status::Open, DONE),
            ("Nothing", Status::Open, &[]),
            ("Stalled, nothing", Status::Stalled, &[]),
            ("Stalled, planned", Status::Stalled, PENDING),
            ("Won, nothing", Status::Won, &[]),
            ("Lost, done", Status::Lost, DONE),
        ],
    );
    let q = DealQuery {
        no_next_step: true,
        ..Default::default()
    };
    assert_eq!(
        names(&mut store, &q),
        ["Done only", "Nothing", "Stalled, nothing"]
    );
    // It narrows the other filters like any: a status, or a status it excludes.
    let stalled = DealQuery {
        statuses: vec![Status::Stalled],
        ..q.clone()
    };
    assert_eq!(names(&mut store, &stalled), ["Stalled, nothing"]);
    let won = DealQuery {
        statuses: vec![Status::Won],
        ..q
    };
    assert!(names(&mut store, &won).is_empty());
}

#[test]
fn by_next_step_the_soonest_come_first_all_day_before_timed_and_none_last() {
    let (_dir, mut store) = store();
    deals_with(
        &mut store,
        &[
            ("None", Status::Open, &[]),
            (
                "Fifth 14:00",
                Status::Open,
                &[("2026-03-05", Some("14:00"), false)],
            ),
            (
                "Fifth all day",
                Status::Open,
                &[("2026-03-05", None, false), ("2026-03-04", None, true)],
            ),
            (
                "Fifth 09:30",
                Status::Open,
                &[
                    ("2026-03-09", None, false),
                    ("2026-03-05", Some("09:30"), false),
                ],
            ),
            ("Done only", Status::Open, DONE),
            (
                "Fourth",
                Status::Won,
                &[("2026-03-04", Some("23:59"), false)],
            ),
            ("Next year", Status::Open, &[("2027-01-01", None, false)]),
        ],
    );
    let q = DealQuery {
        sort: DealSort::NextActivity,
        ..Default::default()
    };
    assert_eq!(
        names(&mut store, &q),
        [
            "Fourth",
            "Fifth all day",
            "Fifth 09:30",
            "Fifth 14:00",
            "Next year",
            "None",
            "Done only"
        ]
    );
    // Descending: the latest next step first; deals without one still last, by id.
    let desc = DealQuery { desc: true, ..q };
    assert_eq!(
        names(&mut store, &desc),
        [
            "Next year",
            "Fifth 14:00",
            "Fifth 09:30",
            "Fifth all day",
            "Fourth",
            "Done only",
            "None"
        ]
    );
}

#[test]
fn a_next_step_cursor_holds_the_key_the_list_compares() {
    let (_dir, mut store) = store();
    deals_with(
        &mut store,
        &[
            ("A", Status::Open, &[("2026-03-05", Some("14:00"), false)]),
            ("B", Status::Open, &[("2026-03-06", None, false)]),
            ("C", Status::Open, &[]),
        ],
    );
    let clock = clock();
    let q = DealQuery {
        sort: DealSort::NextActivity,
        ..Default::default()
    };
    let first = store.read(|tx| page(tx, &clock, &q, 1)).unwrap();
    let next = first.next.unwrap();
    let text = next.encode();
    use base64::Engine;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&text)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        (json["sort"].as_str(), json["key"].as_str()),
        (Some("next_activity"), Some("2026-03-05T14:00"))
    );
    assert_eq!(
        Cursor::decode(&text, DealSort::NextActivity, false).unwrap(),
        next
    );
    // Keys rex does not make are no cursor of rex's.
    let id = first.deals[0].deal.id;
    for key in [
        "\"2026-03-05 14:00\"",
        "\"2026-03-05T24:00\"",
        "\"2026-03-05T9:00\"",
        "\"2026-3-05\"",
        "5",
    ] {
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            r#"{{"v":1,"sort":"next_activity","order":"asc","key":{key},"id":"{id}"}}"#
        ));
        assert_eq!(
            Cursor::decode(&text, DealSort::NextActivity, false)
                .unwrap_err()
                .to_string(),
            "the cursor is not one rex gave out (cut short or changed?); start again without cursor",
            "{key}"
        );
    }
    // The pages of every size add up to the list.
    let mut all = Vec::new();
    let mut q = q;
    loop {
        let got = store.read(|tx| page(tx, &clock, &q, 1)).unwrap();
        all.extend(got.deals.into_iter().map(|p| p.deal.name));
        match got.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    assert_eq!(all, ["A", "B", "C"]);
}
