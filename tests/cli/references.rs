//! Naming a deal by its reference (issue 27, item 7): the leading characters of the reference
//! a table shows (at least four) name the one deal whose reference starts with them, as the
//! full reference, the end of the id and the full id still do; several matches are exit 2
//! listing them, none exit 3 saying which forms are accepted.

use crate::support::{s, Rex};

/// Shown as `h0k69na`.
const A: &str = "deal_01jdqz7w3ef8ns6c0e5h0k69na";
/// Shown as `h0k6xyz`: its reference starts as A's does.
const B: &str = "deal_01jdqz7w3ef8ns6c0e5h0k6xyz";
/// C and D share their last seven characters, so tables show eight: `5p4bc9hj`, `6p4bc9hj`.
const C: &str = "deal_01jdqz7w3ef8ns6c0e5p4bc9hj";
const D: &str = "deal_01jdqz7w3ef8ns6c0e6p4bc9hj";

/// A pipeline and the four deals above, imported with their ids.
fn four_deals() -> Rex {
    let rex = Rex::new();
    rex.sales();
    let line = |id: &str, name: &str, value: i64| {
        format!("{{\"id\":\"{id}\",\"name\":\"{name}\",\"value\":{value},\"created_at\":\"2026-03-01T09:00:00Z\"}}\n")
    };
    let file = rex.file(
        "four.jsonl",
        &[
            line(A, "Acme Corp", 100),
            line(B, "Hooli", 250000),
            line(C, "Initech", 300),
            line(D, "Umbrella", 400),
        ]
        .concat(),
    );
    rex.ok(&["import", &file]);
    rex
}

/// `deal list`'s table shows each deal named by its reference.
fn shows_references(rex: &Rex, shown: &[(&str, &str)]) {
    let out = rex
        .cmd()
        .env("COLUMNS", "100")
        .args(["deal", "list", "--sort", "name", "-o", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for (name, reference) in shown {
        assert!(
            table
                .lines()
                .any(|l| l.contains(name) && l.contains(&format!(" {reference} "))),
            "{name} shown as {reference} in\n{table}"
        );
    }
}

fn id_of(rex: &Rex, deal: &str) -> String {
    s(&rex.json(&["deal", "show", deal])["id"])
}

#[test]
fn the_leading_characters_of_a_reference_name_its_deal() {
    let rex = four_deals();
    shows_references(
        &rex,
        &[
            ("Acme Corp", "h0k69na"),
            ("Hooli", "h0k6xyz"),
            ("Initech", "5p4bc9hj"),
            ("Umbrella", "6p4bc9hj"),
        ],
    );
    for (typed, id) in [
        ("h0k69", A),
        ("H0K69", A),
        ("h0k69n", A),
        ("h0k69na", A),
        ("h0k6x", B),
        ("h0k6xyz", B),
        // An eight-character reference, from its first four.
        ("5p4b", C),
        ("6p4bc", D),
        ("6p4bc9hj", D),
        // The forms that worked before: the end of the id (6+), a longer end, the full id.
        ("0k69na", A),
        ("e5h0k69na", A),
        (A, A),
        // Names.
        ("acme corp", A),
        ("hool", B),
    ] {
        assert_eq!(id_of(&rex, typed), id, "{typed}");
    }
    // A change by the start of a reference changes that deal and no other.
    rex.ok(&["deal", "move", "h0k69", "Proposal"]);
    rex.ok(&["deal", "close", "6p4b", "--won"]);
    let statuses: Vec<(String, String)> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(&d["name"]), s(&d["status"])))
        .collect();
    assert_eq!(
        statuses,
        [
            ("Acme Corp".into(), "open".into()),
            ("Hooli".into(), "open".into()),
            ("Initech".into(), "open".into()),
            ("Umbrella".into(), "won".into()),
        ]
    );
    let moved = rex.json(&["deal", "history", A]);
    assert_eq!(moved.as_array().unwrap().last().unwrap()["kind"], "moved");
}

#[test]
fn several_matches_are_listed_and_none_says_what_is_accepted() {
    let rex = four_deals();
    for cmd in [["deal", "show"], ["deal", "history"]] {
        let with = |typed: &'static str| [cmd[0], cmd[1], typed];
        assert_eq!(
            rex.fails(&with("h0k6"), 2),
            "rex: 'h0k6' matches 2 deals: h0k69na Acme Corp (Discovery, $1.00), \
             h0k6xyz Hooli (Discovery, $2,500.00); give more of the reference, or the full id"
        );
        // The end both C and D's ids end in names neither.
        assert_eq!(
            rex.fails(&with("p4bc9hj"), 2),
            "rex: 'p4bc9hj' matches 2 deals: 5p4bc9hj Initech (Discovery, $3.00), \
             6p4bc9hj Umbrella (Discovery, $4.00); give more of the reference, or the full id"
        );
        for typed in ["h0k6q", "p4bc", "h0k", "zzzzzzz"] {
            assert_eq!(
                rex.fails(&with(typed), 3),
                format!(
                    "rex: no deal has the id, reference or name '{typed}' (give a full id \
                     deal_…, a reference as tables show it (or enough of its start, 4 characters or more), or the \
                     deal's name)"
                )
            );
        }
    }
    let before = rex.json(&["deal", "list"]);
    rex.fails(&["deal", "move", "h0k6", "Proposal"], 2);
    rex.fails(&["deal", "close", "h0k6", "--won"], 2);
    assert_eq!(rex.json(&["deal", "list"]), before);
}

#[test]
fn fewer_than_four_characters_are_a_name() {
    let rex = four_deals();
    // "h0k" is too short for a reference; as part of a name it finds the deal it names.
    rex.ok(&["deal", "create", "Shop h0k", "--value", "1"]);
    assert_eq!(rex.json(&["deal", "show", "h0k"])["name"], "Shop h0k");
    // Four characters that start no reference are still looked for in names.
    rex.ok(&["deal", "create", "Beef Ltd", "--value", "1"]);
    assert_eq!(rex.json(&["deal", "show", "beef"])["name"], "Beef Ltd");
}

/// A deal named like the start of another deal's reference: once the reference won silently
/// and `deal close aaqm --won` would have closed the other deal. Both are listed (exit 2),
/// nothing changes, and each is still reached by a form that is its alone.
#[test]
fn a_name_that_is_also_a_reference_start_is_ambiguous() {
    let rex = four_deals();
    let named = rex.id(&["deal", "create", "h0k69", "--value", "5"]);
    let err = rex.fails(&["deal", "close", "h0k69", "--won"], 2);
    assert!(
        err.starts_with("rex: 'h0k69' matches 2 deals: h0k69na Acme Corp (Discovery, $1.00), "),
        "{err}"
    );
    assert!(
        err.ends_with(" h0k69 (Discovery, $5.00); give more of the reference, or the full id"),
        "{err}"
    );
    assert_eq!(id_of(&rex, "h0k69na"), A);
    assert_eq!(id_of(&rex, &named), named);
    assert_eq!(id_of(&rex, "h0k6x"), B);
}

/// Was (PostgreSQL): ids that share their last sixteen characters or more all showed the
/// same seven-character reference, which then named none of them.
#[test]
fn ids_that_share_their_last_sixteen_characters_show_references_that_tell_them_apart() {
    let rex = Rex::new();
    rex.sales();
    let e = "deal_01jdqz7w3aqqwwwwwwwwwwwwww";
    let f = "deal_01jdqz7w3bqqwwwwwwwwwwwwww";
    // And past the sixteen a stored tail holds: these two share nineteen.
    let g = "deal_01jdqzcw3qqqwwwwwwwwwwwwww";
    let h = "deal_01jdqzdw3qqqwwwwwwwwwwwwww";
    let line = |id: &str, name: &str| {
        format!("{{\"id\":\"{id}\",\"name\":\"{name}\",\"value\":1,\"created_at\":\"2026-03-01T09:00:00Z\"}}\n")
    };
    let file = rex.file(
        "twins.jsonl",
        &[
            line(e, "Twin E"),
            line(f, "Twin F"),
            line(g, "Twin G"),
            line(h, "Twin H"),
        ]
        .concat(),
    );
    rex.ok(&["import", &file]);
    let refs: Vec<String> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["id"]))
        .collect();
    assert_eq!(refs, [e, f, g, h]);
    let shown = [
        ("Twin E", "aqqwwwwwwwwwwwwww"),
        ("Twin F", "bqqwwwwwwwwwwwwww"),
        ("Twin G", "cw3qqqwwwwwwwwwwwwww"),
        ("Twin H", "dw3qqqwwwwwwwwwwwwww"),
    ];
    shows_references(&rex, &shown);
    for ((_, reference), id) in shown.iter().zip([e, f, g, h]) {
        assert_eq!(id_of(&rex, reference), id);
    }
}
