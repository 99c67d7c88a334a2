//! The deal's text rules ([`DealText`]) and the operations that apply them: every limit is
//! kept at its length and refused one character past it, with the same bare reason whether
//! a deal is created or updated.

use std::time::Duration;

use super::*;
use crate::error::code;
use crate::record::{Pipeline, Stage};
use crate::store::{Access, DealSort, Location, Store};

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
    // Text that shows nothing is empty; an owner shows every character it has.
    assert_eq!(
        DealText::Name.check(" \u{200b}\u{feff} ").unwrap_err(),
        "the deal name shows nothing (only invisible characters, such as U+200B); give some text"
    );
    assert_eq!(
        DealText::Name.check("Zero\u{200b}Width"),
        Ok("Zero\u{200b}Width".into())
    );
    assert_eq!(
        DealText::Owner
            .check("ana\u{200b}@example.com")
            .unwrap_err(),
        "the owner contains the invisible character U+200B; type the owner as it reads"
    );
    // A combining accent is part of what a reader sees.
    assert_eq!(
        DealText::Owner.check("Jose\u{301}"),
        Ok("Jose\u{301}".into())
    );
    // Joiners, variation selectors, tags, format characters, the braille blank: each
    // would make an owner that reads as another's (found by attack).
    for (owner, code) in [
        ("ana\u{200d}@example.com", "U+200D"),
        ("ana\u{fe0f}", "U+FE0F"),
        ("ana\u{34f}", "U+034F"),
        ("ana\u{e0041}", "U+E0041"),
        ("ana\u{fff9}", "U+FFF9"),
        ("ana\u{2800}", "U+2800"),
    ] {
        assert_eq!(
            DealText::Owner.check(owner).unwrap_err(),
            format!(
                "the owner contains the invisible character {code}; type the owner as it reads"
            )
        );
    }
    assert_eq!(
        DealText::Owner.check("Ana\u{a0}Lopez").unwrap_err(),
        "the owner contains the space U+00A0, which reads as a plain one; type a plain space"
    );
    assert_eq!(
        DealText::Owner.check("ana\u{1680}x").unwrap_err(),
        "the owner contains the space U+1680, which reads as a plain one; type a plain space"
    );
    // A mark with nothing before it shows nothing (was: one of width 1 was taken).
    assert_eq!(
        DealText::Owner.check("\u{2d7f}").unwrap_err(),
        "the owner shows nothing (only invisible characters, such as U+2D7F); give some text"
    );
    // An ideographic space is how Japanese names are written.
    assert_eq!(
        DealText::Owner.check("山田\u{3000}太郎"),
        Ok("山田\u{3000}太郎".into())
    );
    // Spaces between invisible characters show nothing either.
    assert_eq!(
        DealText::Name.check("\u{200b} \u{2800}").unwrap_err(),
        "the deal name shows nothing (only invisible characters, such as U+200B); give some text"
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

/// Two pipelines whose names sort apart from their age ("beta" before "Gamma" ignoring
/// case), with stages in order.
fn two_pipelines(store: &mut Store) -> Vec<Pipeline> {
    let stages = |names: &[&str]| -> Vec<Stage> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Stage::new((*n).into(), i, Probability::CERTAIN))
            .collect()
    };
    let ps = vec![
        Pipeline::new(
            "Gamma".into(),
            30,
            stages(&["G1", "G2"]),
            "2026-03-01T09:00:00Z",
        ),
        Pipeline::new(
            "beta".into(),
            30,
            stages(&["B1", "B2", "B3"]),
            "2026-03-01T09:00:00Z",
        ),
    ];
    store
        .write(|tx| {
            for p in &ps {
                tx.insert_pipeline(p)?;
            }
            Ok(())
        })
        .unwrap();
    ps
}

/// Deal `i` of a set full of ties: names equal ignoring case, equal values, equal creation
/// and update times, no expected close or the same one, in every status, spread over
/// the pipelines' stages.
fn tied_deal(ps: &[Pipeline], i: usize) -> Deal {
    let p = &ps[i % 2];
    let stage = &p.stages[(i / 2) % p.stages.len()];
    let at = |day: usize| format!("2026-03-0{}T09:00:00Z", 1 + day);
    Deal {
        id: DealId::new(),
        name: ["Acme", "acme", "Globex", "Hooli", "ACME"][i % 5].into(),
        value: Cents::new([100, 100, 250, 0, 100, 7][i % 6]).unwrap(),
        status: [
            Status::Open,
            Status::Won,
            Status::Stalled,
            Status::Open,
            Status::Lost,
        ][i % 5],
        contact_id: None,
        pipeline_id: p.id,
        stage_id: stage.id,
        expected_close: [None, Some("2026-04-01"), Some("2026-05-01"), None][i % 4]
            .map(|d| d.parse().unwrap()),
        owner_id: Some(["ana", "bo"][i % 2].into()),
        metadata: Default::default(),
        created_at: at(i % 3),
        updated_at: at(i % 4),
        last_activity_at: at(i % 4),
        stage_entered_at: at(i % 3),
        closed_at: None,
        close_reason: None,
        probability: None,
        origin: None,
    }
}

/// Stores `deals`, each with the activities of its place in the slice: none, a done one
/// only, or pending ones whose next steps tie (all day, at a time, the same time again),
/// so that a list by next step has ties too.
fn insert(store: &mut Store, deals: &[Deal]) {
    use crate::ops::testing::activity;
    let clock = clock();
    store
        .write(|tx| {
            for (k, d) in deals.iter().enumerate() {
                tx.insert_deal(d)?;
                let due = |day, time, done| {
                    activity(tx, &clock, d, "Call", (day, time), None, done);
                };
                match k % 5 {
                    0 => {}
                    1 => due("2026-03-01", None, true),
                    2 => due("2026-03-05", None, false),
                    3 => {
                        due("2026-03-07", None, false);
                        due("2026-03-05", Some("14:00"), false);
                    }
                    _ => {
                        due("2026-03-01", Some("08:00"), true);
                        due("2026-03-05", Some("14:00"), false);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// The ids `q` lists, whole.
fn listed(store: &mut Store, q: &DealQuery) -> Vec<DealId> {
    let clock = clock();
    let mut ids = Vec::new();
    store
        .read(|tx| {
            ids.clear();
            list(tx, &clock, q, &mut |d| {
                ids.push(d.deal.id);
                Ok(())
            })
        })
        .unwrap();
    ids
}

/// The ids of every page of `q`, `limit` at a time, following each page's cursor through
/// its text; `between` runs after each page that has a next one.
fn paged(
    store: &mut Store,
    q: &DealQuery,
    limit: u64,
    between: &mut dyn FnMut(&mut Store, &Page),
) -> Vec<DealId> {
    let clock = clock();
    let mut q = q.clone();
    let mut ids = Vec::new();
    loop {
        let got = store.read(|tx| page(tx, &clock, &q, limit)).unwrap();
        assert!(got.deals.len() as u64 <= limit);
        assert!(
            !got.deals.is_empty() || q.after.is_none(),
            "an empty page after a cursor"
        );
        ids.extend(got.deals.iter().map(|d| d.deal.id));
        let Some(next) = &got.next else {
            return ids;
        };
        assert_eq!(
            got.deals.len() as u64,
            limit,
            "a short page with a next one"
        );
        between(store, &got);
        let text = next.encode();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{text}"
        );
        q.after = Some(Cursor::decode(&text, q.sort, q.desc).unwrap());
    }
}

const SORTS: [DealSort; 7] = [
    DealSort::Created,
    DealSort::Updated,
    DealSort::Value,
    DealSort::ExpectedClose,
    DealSort::Name,
    DealSort::Stage,
    DealSort::NextActivity,
];

#[test]
fn pages_in_every_sort_and_order_add_up_to_the_whole_list() {
    let (_dir, mut store) = crate::ops::testing::store();
    let ps = two_pipelines(&mut store);
    let deals: Vec<Deal> = (0..31).map(|i| tied_deal(&ps, i)).collect();
    insert(&mut store, &deals);
    // Every status (by value: one ordered arm per status, merged), one, and two with an
    // owner.
    let filters = [
        DealQuery::default(),
        DealQuery {
            statuses: vec![Status::Open],
            ..Default::default()
        },
        DealQuery {
            statuses: statuses_named("active").unwrap(),
            owner: Some("ANA".into()),
            ..Default::default()
        },
    ];
    for filter in &filters {
        for sort in SORTS {
            for desc in [false, true] {
                let q = DealQuery {
                    sort,
                    desc,
                    ..filter.clone()
                };
                let whole = listed(&mut store, &q);
                assert!(whole.len() > 3, "{q:?}");
                for limit in [1, 2, 3, 7, 500] {
                    let pages = paged(&mut store, &q, limit, &mut |_, _| {});
                    assert_eq!(pages, whole, "{sort:?} desc={desc} limit={limit} {q:?}");
                }
            }
        }
    }
}

#[test]
fn deals_inserted_between_pages_move_no_page_of_the_others() {
    let (_dir, mut store) = crate::ops::testing::store();
    let ps = two_pipelines(&mut store);
    let deals: Vec<Deal> = (0..24).map(|i| tied_deal(&ps, i)).collect();
    insert(&mut store, &deals);
    let mut n = 100;
    for sort in SORTS {
        for desc in [false, true] {
            let q = DealQuery {
                sort,
                desc,
                ..Default::default()
            };
            let before = listed(&mut store, &q);
            // After each of the first pages, deals like the page's last one (its key and a
            // newer id: a tie at the cursor), like the set's first and last ones, and others
            // of the set's shapes, which land before and after the cursor: the deals that
            // were there come once each, in their order.
            let mut pages = 0;
            let seen = paged(&mut store, &q, 4, &mut |store, page| {
                pages += 1;
                if pages > 4 {
                    return;
                }
                let last = &page.deals.last().unwrap().deal;
                let mut like: Vec<Deal> = [last.clone(), deals[0].clone(), deals[23].clone()]
                    .into_iter()
                    .chain((0..3).map(|k| tied_deal(&ps, n + k)))
                    .map(|d| Deal {
                        id: DealId::new(),
                        ..d
                    })
                    .collect();
                like[1].created_at = "2026-02-01T09:00:00Z".into();
                like[2].value = Cents::new(0).unwrap();
                like[2].created_at = "2026-04-01T09:00:00Z".into();
                n += 3;
                insert(store, &like);
            });
            assert!(
                seen.len() > before.len(),
                "{sort:?} desc={desc}: none inserted seen"
            );
            let kept: Vec<DealId> = seen.into_iter().filter(|id| before.contains(id)).collect();
            assert_eq!(kept, before, "{sort:?} desc={desc}");
        }
    }
}

#[test]
fn a_cursor_is_refused_for_another_list_or_when_it_is_not_rexs() {
    let (_dir, mut store) = crate::ops::testing::store();
    let ps = two_pipelines(&mut store);
    let deals: Vec<Deal> = (0..5).map(|i| tied_deal(&ps, i)).collect();
    insert(&mut store, &deals);
    let clock = clock();
    let q = DealQuery {
        sort: DealSort::Value,
        desc: true,
        ..Default::default()
    };
    let first = store.read(|tx| page(tx, &clock, &q, 2)).unwrap();
    let next = first.next.unwrap();
    let text = next.encode();
    assert_eq!(Cursor::decode(&text, DealSort::Value, true).unwrap(), next);
    assert_eq!(
        refusal(Cursor::decode(&text, DealSort::Value, false)),
        (
            "cursor does not match sort=value order=asc; start again without cursor".into(),
            code::USAGE
        )
    );
    assert_eq!(
        refusal(Cursor::decode(&text, DealSort::Created, true)),
        (
            "cursor does not match sort=created_at order=desc; start again without cursor".into(),
            code::USAGE
        )
    );
    // A query built with a cursor of another order is refused by the list too.
    let other = DealQuery {
        after: Some(next),
        ..Default::default()
    };
    assert_eq!(
        refusal(store.read(|tx| page(tx, &clock, &other, 2))),
        (
            "cursor does not match sort=created_at order=asc; start again without cursor".into(),
            code::USAGE
        )
    );
    use base64::Engine;
    let b64 = |t: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(t);
    let id = deals[0].id;
    for garbage in [
        String::new(),
        "x".into(),
        text[..text.len() - 3].to_string(),
        format!("{text}="),
        "a".repeat(5000),
        b64("[]"),
        b64(&format!(
            r#"{{"v":2,"sort":"value","order":"desc","key":5,"id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"value","order":"down","key":5,"id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"value","order":"desc","key":-5,"id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"value","order":"desc","key":"5","id":"{id}"}}"#
        )),
        b64(r#"{"v":1,"sort":"value","order":"desc","key":5,"id":"pipeline_x"}"#),
        b64(&format!(
            r#"{{"v":1,"sort":"created_at","order":"asc","key":"monday","id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"stage","order":"asc","key":["beta"],"id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"stage","order":"asc","key":["beta",-1],"id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"expected_close","order":"asc","key":"2026-02-30","id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"next_activity","order":"asc","key":"2026-03-05 14:00","id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"next_activity","order":"asc","key":"2026-03-05T24:00","id":"{id}"}}"#
        )),
        b64(&format!(
            r#"{{"v":1,"sort":"next_activity","order":"asc","key":"2026-03-05T9:00","id":"{id}"}}"#
        )),
    ] {
        let sort = if garbage.len() > 200 {
            DealSort::Value
        } else {
            DealSort::Created
        };
        assert_eq!(
            refusal(Cursor::decode(&garbage, sort, true)).1,
            code::USAGE,
            "{garbage}"
        );
    }
    assert_eq!(
        refusal(Cursor::decode("x", DealSort::Value, true)).0,
        "the cursor is not one rex gave out (cut short or changed?); start again without cursor"
    );
    // Each sort's key reads back from its text.
    for sort in SORTS {
        for desc in [false, true] {
            let q = DealQuery {
                sort,
                desc,
                ..Default::default()
            };
            let next = store
                .read(|tx| page(tx, &clock, &q, 1))
                .unwrap()
                .next
                .unwrap();
            assert_eq!(Cursor::decode(&next.encode(), sort, desc).unwrap(), next);
        }
    }
}

#[test]
fn a_page_holds_one_to_five_hundred_deals_and_ends_when_the_list_does() {
    let (_dir, mut store) = crate::ops::testing::store();
    let ps = two_pipelines(&mut store);
    let deals: Vec<Deal> = (0..4).map(|i| tied_deal(&ps, i)).collect();
    insert(&mut store, &deals);
    let clock = clock();
    let q = DealQuery::default();
    for limit in [0, PAGE_MOST + 1] {
        assert_eq!(
            refusal(store.read(|tx| page(tx, &clock, &q, limit))),
            (
                format!("limit {limit} is out of range; a page holds 1 to 500 deals"),
                code::USAGE
            )
        );
    }
    // Exactly as many deals as the limit: no next page.
    let whole = store.read(|tx| page(tx, &clock, &q, 4)).unwrap();
    assert_eq!((whole.deals.len(), whole.next), (4, None));
    let cut = store.read(|tx| page(tx, &clock, &q, 3)).unwrap();
    assert!(cut.next.is_some());
}

#[test]
fn the_apis_words_for_status_sort_and_order() {
    assert_eq!(
        statuses_named("active").unwrap(),
        [Status::Open, Status::Stalled]
    );
    assert_eq!(
        statuses_named(" Open,WON,open ").unwrap(),
        [Status::Open, Status::Won]
    );
    assert_eq!(
        refusal(statuses_named("open,closed")),
        (
            "status 'closed' is not one rex knows; use open, won, lost, stalled or active".into(),
            code::USAGE
        )
    );
    for sort in SORTS {
        assert_eq!(sort_named(sort_name(sort)).unwrap(), sort);
    }
    assert_eq!(sort_name(DealSort::default()), "created_at");
    assert_eq!(
        refusal(sort_named("created")),
        (
            "sort 'created' is not one rex knows; use created_at, updated_at, value, expected_close, name, stage or next_activity".into(),
            code::USAGE
        )
    );
    assert_eq!(
        (order_named("asc").unwrap(), order_named("desc").unwrap()),
        (false, true)
    );
    assert_eq!(
        refusal(order_named("DESC")),
        (
            "order 'DESC' is not one rex knows; use asc or desc".into(),
            code::USAGE
        )
    );
}
