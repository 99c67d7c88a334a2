//! What the operations' unit tests share: a fresh SQLite database in a temporary directory,
//! a fixed clock, and deals and activities placed directly (the operations that make them
//! are tested beside them).

use std::time::Duration;

use crate::clock::Clock;
use crate::id::{ActivityId, DealId};
use crate::money::Cents;
use crate::record::{Activity, ActivityType, Deal, Event, Pipeline, Place, Status};
use crate::store::{Access, Location, Store, Tx};

/// A new, empty database; it lives as long as the directory.
pub fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::File(dir.path().join("rex.db"));
    let store = Store::open(&location, Duration::from_secs(5), Access::Write).unwrap();
    (dir, store)
}

/// 2026-03-10, 09:00 UTC.
pub fn clock() -> Clock {
    Clock::parse("2026-03-10T09:00:00Z").unwrap()
}

/// An open deal in the first stage of `p`, created now with its history entry.
pub fn deal(tx: &dyn Tx, clock: &Clock, p: &Pipeline, name: &str, cents: i64) -> Deal {
    let now = clock.timestamp();
    let stage = &p.stages[0];
    let deal = Deal {
        id: DealId::new(),
        name: name.into(),
        value: Cents::new(cents).unwrap(),
        status: Status::Open,
        contact_id: None,
        pipeline_id: p.id,
        stage_id: stage.id,
        expected_close: None,
        owner_id: None,
        metadata: Default::default(),
        created_at: now.clone(),
        updated_at: now.clone(),
        last_activity_at: now.clone(),
        stage_entered_at: now,
        closed_at: None,
        close_reason: None,
        probability: None,
        origin: None,
    };
    tx.insert_deal(&deal).unwrap();
    tx.add_event(&Event::created(&deal, &Place::of(p, stage)))
        .unwrap();
    deal
}

/// A call on `deal`, due on `day` (`2026-03-05`) at `time` (`14:00`) or all day, owned by
/// `owner`, done (on the clock's day) or pending, stored directly without history.
pub fn activity(
    tx: &dyn Tx,
    clock: &Clock,
    deal: &Deal,
    subject: &str,
    (day, time): (&str, Option<&str>),
    owner: Option<&str>,
    done: bool,
) -> Activity {
    let now = clock.timestamp();
    let a = Activity {
        id: ActivityId::new(),
        deal_id: deal.id,
        kind: ActivityType::Call,
        subject: subject.into(),
        due_date: day.parse().unwrap(),
        due_time: time.map(|t| t.parse().unwrap()),
        duration_minutes: None,
        owner_id: owner.map(str::to_string),
        note: None,
        done,
        done_at: done.then(|| now.clone()),
        created_at: now.clone(),
        updated_at: now,
    };
    tx.insert_activity(&a).unwrap();
    a
}
