//! The rules of activities, on a real store: who owns a new one, the order and filters of a
//! list, overdue to the minute, and what completing one does to its deal.

use chrono::{Duration, Local};

use super::*;
use crate::ops::lookup::find_pipeline;
use crate::ops::pipeline::{create, NewPipeline};
use crate::ops::testing::{clock, deal, store};
use crate::record::{Pipeline, Status};
use crate::store::Store;

/// A store with the default pipeline and the open deal "Acme" (no owner).
fn with_deal() -> (tempfile::TempDir, Store, Pipeline, Deal) {
    let (dir, mut store) = store();
    let clock = clock();
    let new = NewPipeline {
        name: "Sales".into(),
        stages: Vec::new(),
        stall_days: 30,
        probabilities: Vec::new(),
    };
    let (p, d) = store
        .write(|tx| {
            create(tx, &clock, &new)?;
            let p = find_pipeline(tx, "Sales")?;
            let d = deal(tx, &clock, &p, "Acme", 100);
            Ok((p, d))
        })
        .unwrap();
    (dir, store, p, d)
}

fn new(subject: &str, due: NaiveDate, at: Option<&str>) -> NewActivity {
    NewActivity {
        deal: "Acme".into(),
        subject: subject.into(),
        kind: ActivityType::Task,
        due_date: due,
        due_time: at.map(|t| t.parse().unwrap()),
        duration_minutes: None,
        owner: None,
        me: None,
        note: None,
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn everyone() -> ActivityQuery {
    ActivityQuery {
        owners: Owners::All,
        deal: None,
        kind: None,
        overdue: false,
        due_from: None,
        due_to: None,
        done: false,
        limit: None,
    }
}

fn subjects(store: &mut Store, clock: &Clock, q: &ActivityQuery) -> Vec<String> {
    store
        .read(|tx| list(tx, clock, q))
        .unwrap()
        .into_iter()
        .map(|l| l.activity.subject)
        .collect()
}

#[test]
fn a_new_activity_is_owned_as_given_else_by_the_deals_owner_else_by_me_else_nobody() {
    let (_dir, mut store, _, mut acme) = with_deal();
    let clock = clock();
    let owner = |store: &mut Store, given: Option<&str>, me: Option<&str>| {
        let mut n = new("Call", day("2026-03-10"), None);
        n.owner = given.map(str::to_string);
        n.me = me.map(str::to_string);
        store
            .write(|tx| add(tx, &clock, &n))
            .unwrap()
            .activity
            .owner_id
    };
    assert_eq!(owner(&mut store, None, None), None);
    assert_eq!(owner(&mut store, None, Some("me")), Some("me".into()));
    acme.owner_id = Some("ana".into());
    store.write(|tx| tx.update_deal(&acme)).unwrap();
    assert_eq!(owner(&mut store, None, Some("me")), Some("ana".into()));
    assert_eq!(
        owner(&mut store, Some(" bo "), Some("me")),
        Some("bo".into())
    );
}

#[test]
fn a_list_is_soonest_first_all_day_first_then_by_time_then_by_creation() {
    let (_dir, mut store, _, _) = with_deal();
    let mut at = clock().now();
    for (subject, due, time) in [
        ("b 10:00", "2026-03-11", Some("10:00")),
        ("b 09:00 made first", "2026-03-11", Some("09:00")),
        ("b all-day", "2026-03-11", None),
        ("a 23:00", "2026-03-10", Some("23:00")),
        ("b 09:00 made next", "2026-03-11", Some("09:00")),
    ] {
        at += Duration::seconds(1);
        let clock = Clock::at(at);
        store
            .write(|tx| add(tx, &clock, &new(subject, day(due), time)))
            .unwrap();
    }
    assert_eq!(
        subjects(&mut store, &clock(), &everyone()),
        [
            "a 23:00",
            "b all-day",
            "b 09:00 made first",
            "b 09:00 made next",
            "b 10:00"
        ]
    );
    // A range includes both of its ends.
    let q = ActivityQuery {
        due_from: Some(day("2026-03-11")),
        due_to: Some(day("2026-03-11")),
        limit: Some(2),
        ..everyone()
    };
    assert_eq!(
        subjects(&mut store, &clock(), &q),
        ["b all-day", "b 09:00 made first"]
    );
}

#[test]
fn overdue_is_before_today_or_today_at_a_minute_already_over() {
    let (_dir, mut store, _, _) = with_deal();
    let clock = clock();
    // Today and now as the zone the tests run in sees the clock.
    let local = clock.now().with_timezone(&Local).naive_local();
    let (today, now) = (local.date(), DueTime::of(local.time()));
    assert_eq!(today, clock.today());
    let before = DueTime::of(local.time() - Duration::minutes(1));
    let yesterday = today.pred_opt().unwrap();
    for (subject, due, time) in [
        ("yesterday", yesterday, None),
        ("today all-day", today, None),
        ("this minute", today, Some(now)),
        ("a minute ago", today, Some(before)),
        ("tomorrow", today.succ_opt().unwrap(), None),
    ] {
        let mut n = new(subject, due, None);
        n.due_time = time;
        store.write(|tx| add(tx, &clock, &n)).unwrap();
    }
    let q = ActivityQuery {
        overdue: true,
        ..everyone()
    };
    // (The clock is at 09:00 UTC: a minute before is the same day in every zone but
    // those where 09:00 UTC is the first minute of a day.)
    let mut expected = vec!["yesterday", "a minute ago"];
    if before.time() > now.time() {
        expected = vec!["yesterday"];
    }
    assert_eq!(subjects(&mut store, &clock, &q), expected);
    let refused = store
        .read(|tx| {
            list(
                tx,
                &clock,
                &ActivityQuery {
                    done: true,
                    ..q.clone()
                },
            )
        })
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "--overdue lists activities still to do; leave out --done"
    );
}

#[test]
fn an_owner_is_matched_ignoring_case_among_the_owners_of_activities() {
    let (_dir, mut store, _, _) = with_deal();
    let clock = clock();
    for (subject, owner) in [("one", "Zoe"), ("two", "ZOE"), ("three", "zoey")] {
        let mut n = new(subject, day("2026-03-10"), None);
        n.owner = Some(owner.into());
        store.write(|tx| add(tx, &clock, &n)).unwrap();
    }
    let q = ActivityQuery {
        owners: Owners::Of("zoe".into()),
        ..everyone()
    };
    assert_eq!(subjects(&mut store, &clock, &q), ["one", "two"]);
}

#[test]
fn completing_one_is_activity_on_its_deal_and_undoing_it_is_not() {
    let (_dir, mut store, _, mut acme) = with_deal();
    let made = store
        .write(|tx| add(tx, &clock(), &new("Call", day("2026-03-10"), None)))
        .unwrap();
    acme.status = Status::Stalled;
    store.write(|tx| tx.update_deal(&acme)).unwrap();
    let later = Clock::parse("2026-04-20T10:00:00Z").unwrap();
    let named = [ActivityRef::new(&made.activity.id.to_string(), None)];
    let marked = store
        .write(|tx| done(tx, &later, &named, Some("went well")))
        .unwrap();
    assert_eq!(marked.changed.len(), 1);
    let deal = &marked.changed[0].deal;
    assert_eq!(
        (deal.status, deal.last_activity_at.as_str()),
        (Status::Open, "2026-04-20T10:00:00Z")
    );
    assert_eq!(
        marked.changed[0].activity.note.as_deref(),
        Some("went well")
    );
    let even_later = Clock::parse("2026-04-21T10:00:00Z").unwrap();
    let undone = store.write(|tx| undo(tx, &even_later, &named)).unwrap();
    assert_eq!(
        (
            undone.changed[0].activity.done,
            undone.changed[0].deal.last_activity_at.as_str()
        ),
        (false, "2026-04-20T10:00:00Z")
    );
    let kinds: Vec<String> = store
        .read(|tx| tx.events(acme.id))
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "activity_scheduled",
            "activity_done",
            "unstalled",
            "activity_undone"
        ]
    );
}

#[test]
fn a_done_that_fails_on_one_activity_marks_none() {
    let (_dir, mut store, _, _) = with_deal();
    let clock = clock();
    let made = store
        .write(|tx| add(tx, &clock, &new("Call", day("2026-03-10"), None)))
        .unwrap();
    let named = [
        ActivityRef::new(&made.activity.id.to_string(), None),
        ActivityRef::new("zzzzzzz", None),
    ];
    let e = store
        .write(|tx| done(tx, &clock, &named, None))
        .unwrap_err();
    assert_eq!(e.exit_code(), crate::error::code::NOT_FOUND);
    let a = store.read(|tx| show(tx, &named[0])).unwrap().activity;
    assert!(!a.done);
    // A note that would pass the limit once added is refused, naming why.
    let long = "x".repeat(crate::record::ACTIVITY_NOTE_MAX);
    let mut n = new("Lunch", day("2026-03-10"), None);
    n.note = Some(long);
    let lunch = store.write(|tx| add(tx, &clock, &n)).unwrap();
    let named = [ActivityRef::new(&lunch.activity.id.to_string(), None)];
    assert_eq!(
        store
            .write(|tx| done(tx, &clock, &named, Some("more")))
            .unwrap_err()
            .to_string(),
        "the note is 10005 characters long; the limit is 10000 once the note is added to the activity's note"
    );
}

#[test]
fn an_update_that_changes_nothing_writes_nothing() {
    let (_dir, mut store, _, acme) = with_deal();
    let made = store
        .write(|tx| add(tx, &clock(), &new("Call", day("2026-03-10"), Some("14:00"))))
        .unwrap();
    let later = Clock::parse("2026-03-11T10:00:00Z").unwrap();
    let named = ActivityRef::new(&made.activity.id.to_string(), None);
    let same = ActivityChanges {
        subject: Some(" Call ".into()),
        due_time: Some(Some("14:00".parse().unwrap())),
        ..Default::default()
    };
    let (after, changed) = store.write(|tx| update(tx, &later, &named, &same)).unwrap();
    assert!(!changed);
    assert_eq!(after.activity, made.activity);
    let events = store.read(|tx| tx.events(acme.id)).unwrap();
    assert_eq!(events.len(), 2);
}
