//! The deal's text rules ([`DealText`]) and the operations that apply them: every limit is
//! kept at its length and refused one character past it, with the same bare reason whether
//! a deal is created or updated.

use std::time::Duration;

use super::*;
use crate::error::code;
use crate::record::{Pipeline, Stage};
use crate::store::{Access, Location, Store};

/// The words and limits rex has always printed: a change here is a change users see.
#[test]
fn the_limits_and_their_words_are_rexs_own() {
    let table: Vec<(DealText, &str, usize)> = DealText::ALL
        .iter()
        .map(|t| (*t, t.what(), t.limit()))
        .collect();
    assert_eq!(
        table,
        [
            (DealText::Name, "the deal name", 200),
            (DealText::Contact, "the contact", 200),
            (DealText::Owner, "the owner", 200),
            (DealText::CloseReason, "the reason", 1000),
            (DealText::Origin, "the origin", 500),
            (DealText::MetaKey, "a metadata key", 100),
            (DealText::Note, "the note", 10_000),
        ]
    );
}

#[test]
fn every_text_is_kept_at_its_limit_and_refused_one_past_it() {
    for text in DealText::ALL {
        let limit = text.limit();
        // Counted in characters once trimmed, not in bytes.
        let at = "é".repeat(limit);
        assert_eq!(text.check(&format!("  {at}\t")), Ok(at.clone()), "{text:?}");
        let past = "é".repeat(limit + 1);
        assert_eq!(
            text.check(&past),
            Err(format!(
                "{} is {} characters long; the limit is {limit}",
                text.what(),
                limit + 1
            )),
            "{text:?}"
        );
    }
    assert_eq!(
        DealText::Name.check(&"x".repeat(201)).unwrap_err(),
        "the deal name is 201 characters long; the limit is 200"
    );
    assert_eq!(
        DealText::Note.check(&"x".repeat(10_001)).unwrap_err(),
        "the note is 10001 characters long; the limit is 10000"
    );
}

#[test]
fn empty_text_and_unprintable_characters_are_refused_in_rexs_words() {
    for text in DealText::ALL {
        assert_eq!(
            text.check(" \t "),
            Err(format!("{} is empty; give some text", text.what()))
        );
    }
    assert_eq!(
        DealText::Contact.check("ana\u{7}").unwrap_err(),
        "the contact contains the control character U+0007; use printable text on one line"
    );
    assert_eq!(
        DealText::MetaKey.check("tier\nx").unwrap_err(),
        "a metadata key contains the control character U+000A; use printable text on one line"
    );
    assert_eq!(
        DealText::Owner.check("a\u{2028}b").unwrap_err(),
        "the owner contains the line separator U+2028; use printable text on one line"
    );
    // A note may span lines and hold tabs, but not other control characters.
    assert_eq!(
        DealText::Note.check(" called\n\tagain "),
        Ok("called\n\tagain".to_string())
    );
    assert_eq!(
        DealText::Note.check("a\u{1b}[31m").unwrap_err(),
        "the note contains the control character U+001B; use printable text"
    );
}

/// A store on a new SQLite file with one pipeline of two stages.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::File(dir.path().join("rex.db"));
    let mut store = Store::open(&location, Duration::from_secs(5), Access::Write).unwrap();
    let stages = vec![
        Stage::new("Lead".into(), 0, Probability::CERTAIN),
        Stage::new("Won".into(), 1, Probability::CERTAIN),
    ];
    let p = Pipeline::new("Sales".into(), 30, stages, "2026-03-02T09:00:00Z");
    store.write(|tx| tx.insert_pipeline(&p)).unwrap();
    (dir, store)
}

fn clock() -> Clock {
    Clock::parse("2026-03-02T09:00:00Z").unwrap()
}

fn new_deal(name: &str) -> NewDeal {
    NewDeal {
        name: name.into(),
        value: Cents::new(100).unwrap(),
        pipeline: None,
        stage: None,
        contact: None,
        owner: None,
        expected_close: None,
        probability: None,
        metadata: Vec::new(),
    }
}

/// Creates the deal Acme (see [`new_deal`]); its id.
fn create_acme(store: &mut Store, clock: &Clock) -> String {
    store
        .write(|tx| create(tx, clock, &new_deal("Acme")))
        .unwrap()
        .deal
        .id
        .to_string()
}

/// The bare reason and exit code of a refusal.
fn refusal<T: std::fmt::Debug>(r: Result<T>) -> (String, u8) {
    let e = r.unwrap_err();
    (e.to_string(), e.exit_code())
}

#[test]
fn create_and_update_apply_the_same_rule_to_each_text() {
    let (_dir, mut store) = store();
    let clock = clock();
    let id = create_acme(&mut store, &clock);
    // Each text a deal create or update takes, set to `text`.
    type Set = fn(&mut NewDeal, &mut DealChanges, String);
    let fields: [(DealText, Set); 4] = [
        (DealText::Name, |n, c, t| {
            n.name = t.clone();
            c.name = Some(t);
        }),
        (DealText::Contact, |n, c, t| {
            n.contact = Some(t.clone());
            c.contact = Some(t);
        }),
        (DealText::Owner, |n, c, t| {
            n.owner = Some(t.clone());
            c.owner = Some(t);
        }),
        (DealText::MetaKey, |n, c, t| {
            n.metadata = vec![(t.clone(), Value::from("x"))];
            c.metadata = vec![(t, Value::from("x"))];
        }),
    ];
    for (text, set) in fields {
        let limit = text.limit();
        let (mut new, mut changes) = (new_deal("Globex"), DealChanges::default());
        set(&mut new, &mut changes, "k".repeat(limit + 1));
        let reason = (text.check(&"k".repeat(limit + 1)).unwrap_err(), code::USAGE);
        assert_eq!(refusal(store.write(|tx| create(tx, &clock, &new))), reason);
        assert_eq!(
            refusal(store.write(|tx| update(tx, &clock, &id, &changes))),
            reason
        );
        set(&mut new, &mut changes, "k".repeat(limit));
        store.write(|tx| create(tx, &clock, &new)).unwrap();
        let updated = store.write(|tx| update(tx, &clock, &id, &changes)).unwrap();
        assert!(!updated.history.is_empty(), "{text:?}");
    }
    // Removing a key is checked by the same rule.
    let changes = DealChanges {
        unset_metadata: vec!["k".repeat(101)],
        ..Default::default()
    };
    assert_eq!(
        refusal(store.write(|tx| update(tx, &clock, &id, &changes))),
        (
            "a metadata key is 101 characters long; the limit is 100".into(),
            code::USAGE
        )
    );
}

#[test]
fn a_close_reason_and_a_note_are_checked_by_their_rules() {
    let (_dir, mut store) = store();
    let clock = clock();
    let id = create_acme(&mut store, &clock);
    let past = |text: DealText| "r".repeat(text.limit() + 1);
    let how = Close {
        won: false,
        reason: Some(past(DealText::CloseReason)),
    };
    assert_eq!(
        refusal(store.write(|tx| close(tx, &clock, &id, &how))),
        (
            DealText::CloseReason
                .check(&past(DealText::CloseReason))
                .unwrap_err(),
            code::USAGE
        )
    );
    let text = past(DealText::Note);
    assert_eq!(
        refusal(store.write(|tx| note(tx, &clock, &id, &text))),
        (DealText::Note.check(&text).unwrap_err(), code::USAGE)
    );
    let noted = store
        .write(|tx| note(tx, &clock, &id, &"n".repeat(DealText::NOTE_MAX)))
        .unwrap();
    assert_eq!(noted.deal.status, Status::Open);
    let how = Close {
        won: false,
        reason: Some(format!(" {} ", "r".repeat(DealText::CLOSE_REASON_MAX))),
    };
    let closed = store.write(|tx| close(tx, &clock, &id, &how)).unwrap();
    assert_eq!(
        closed.deal.close_reason,
        Some("r".repeat(DealText::CLOSE_REASON_MAX))
    );
}
