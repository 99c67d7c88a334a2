//! `rex today`: one 80x24 screen with the most urgent section first, and one flat list with
//! a section column for scripts (JSON keeps a key per section).

use serde_json::json;
use unicode_width::UnicodeWidthStr;

use crate::support::{assert_fits, on_terminal, plain, Rex};

/// What `rex ARGS` shows on a terminal of 24 lines and 80 columns (stdout and stderr),
/// line by line, colour escapes left out.
pub fn on_screen(rex: &Rex, env: &[(&str, &str)], args: &[&str]) -> Vec<String> {
    let (text, code) = on_terminal(rex, 24, 80, env, args);
    assert_eq!(code, 0, "rex {args:?}: {text}");
    text.lines().map(plain).collect()
}

/// A screen that leaves a line for the prompt and has no line wider than 80 columns.
pub fn assert_fits_80x24(screen: &[String]) {
    let text = screen.join("\n");
    assert!(screen.len() <= 23, "{} lines:\n{text}", screen.len());
    assert_fits(&text, 80, "the screen");
}

/// The reference a table shows for a deal.
fn short(id: &str) -> &str {
    &id[id.len() - 7..]
}

/// Creates a deal on 2026-03-02; its id.
fn deal(
    rex: &Rex,
    name: &str,
    value: &str,
    stage: &str,
    close: Option<&str>,
    owner: &str,
) -> String {
    let mut args = vec![
        "deal", "create", name, "--value", value, "--stage", stage, "--owner", owner,
    ];
    if let Some(c) = close {
        args.extend(["--expected-close", c]);
    }
    rex.id(&args)
}

/// The morning: ana's five deals (two overdue, two closing this week, one with no
/// date) and one of bo's, created on 2026-03-02; then it is Monday 2026-03-16.
pub fn five(rex: &Rex) -> Vec<String> {
    rex.at(crate::support::T0);
    let ids = vec![
        deal(
            rex,
            "Acme - Enterprise",
            "12000",
            "Negotiation",
            Some("2026-03-10"),
            "ana",
        ),
        deal(
            rex,
            "Globex renewal",
            "2000",
            "Discovery",
            Some("2026-03-13"),
            "ana",
        ),
        deal(
            rex,
            "Initech upgrade",
            "4500",
            "Proposal",
            Some("2026-03-16"),
            "ana",
        ),
        deal(
            rex,
            "Umbrella pilot",
            "800",
            "Discovery",
            Some("2026-03-20"),
            "ana",
        ),
        deal(rex, "Hooli", "300", "Discovery", None, "ana"),
        deal(
            rex,
            "Bo's late one",
            "100",
            "Discovery",
            Some("2026-03-01"),
            "bo",
        ),
    ];
    rex.at("2026-03-16T09:00:00Z");
    ids
}

#[test]
fn today_at_80x24_shows_five_deals_under_their_headings_overdue_first() {
    let rex = Rex::new();
    rex.sales();
    let ids = five(&rex);
    let me = [("REX_OWNER", "ana"), ("NO_COLOR", "1")];
    let screen = on_screen(&rex, &me, &["today"]);
    assert_fits_80x24(&screen);
    let r = |i: usize| short(&ids[i]);
    assert_eq!(
        screen,
        [
            "Overdue activities: none".to_string(),
            "Activities due today: none".to_string(),
            "Overdue: 2 deals, $14,000.00".to_string(),
            format!(
                "  {}  Acme - Enterprise  $12,000.00  Negotiation  2026-03-10",
                r(0)
            ),
            format!(
                "  {}  Globex renewal      $2,000.00  Discovery    2026-03-13",
                r(1)
            ),
            "Closing within 7 days: 2 deals, $5,300.00".to_string(),
            format!(
                "  {}  Initech upgrade     $4,500.00  Proposal     2026-03-16",
                r(2)
            ),
            format!(
                "  {}  Umbrella pilot        $800.00  Discovery    2026-03-20",
                r(3)
            ),
            "Stalled: none".to_string(),
            "Going stale within 3 days: none".to_string(),
            // Nobody planned a next step on any of them (issue 29).
            "No next step: 5 deals, $19,600.00".to_string(),
            format!(
                "  {}  Acme - Enterprise  $12,000.00  Negotiation  2026-03-10",
                r(0)
            ),
            format!(
                "  {}  Globex renewal      $2,000.00  Discovery    2026-03-13",
                r(1)
            ),
            format!(
                "  {}  Initech upgrade     $4,500.00  Proposal     2026-03-16",
                r(2)
            ),
            format!(
                "  {}  Umbrella pilot        $800.00  Discovery    2026-03-20",
                r(3)
            ),
            format!("  {}  Hooli                 $300.00  Discovery", r(4)),
        ]
    );
    // Everyone's: the owner at the end of each row.
    let all = on_screen(&rex, &me, &["today", "--all"]);
    assert_fits_80x24(&all);
    assert_eq!(all[2], "Overdue: 3 deals, $14,100.00");
    assert_eq!(
        all[3],
        format!(
            "  {}  Bo's late one         $100.00  Discovery    2026-03-01  bo",
            r(5)
        )
    );
    assert!(all[4].ends_with("2026-03-10  ana"), "{all:?}");
    // Another's deals name their owner too; one's own --owner does not.
    let bo = on_screen(&rex, &me, &["today", "--owner", "bo"]);
    assert!(bo[3].ends_with("  bo"), "{bo:?}");
    let ana = on_screen(&rex, &me, &["today", "--owner", "ana"]);
    assert_eq!(ana, screen);
}

/// Thirty-one deals of three owners: 24 overdue, 7 closing this week.
fn many(rex: &Rex) {
    rex.sales();
    let stages = ["Discovery", "Qualification", "Proposal", "Negotiation"];
    for i in 0..31 {
        let owner = ["anastasia", "boris", "cyd"][i % 3];
        let close = if i % 4 == 3 {
            "2026-03-18"
        } else {
            "2026-03-05"
        };
        deal(
            rex,
            &format!("Consolidated Widget Holdings, renewal number {i}"),
            &format!("{}.89", 1_234_567 + i * 1000),
            stages[i % 4],
            Some(close),
            owner,
        );
    }
    rex.at("2026-03-16T09:00:00Z");
}

#[test]
fn today_of_many_deals_fits_80x24_with_overdue_first_and_says_how_to_see_the_rest() {
    let rex = Rex::new();
    many(&rex);
    let overdue = rex.json(&["today", "--all"])["overdue"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(overdue, 24);
    let me = [("REX_OWNER", "anastasia")];
    let all = on_screen(&rex, &me, &["today", "--all"]);
    assert_fits_80x24(&all);
    // The headings in order, overdue on the first line after the activities' (none here);
    // its rows as many as the screen leaves once the later sections have their heading and
    // their "+N more" line. No deal has a next step: all 31 are counted last.
    assert_eq!(
        all[..2],
        ["Overdue activities: none", "Activities due today: none"]
    );
    assert!(all[2].starts_with("Overdue: 24 deals, $"), "{all:?}");
    let headings: Vec<&String> = all.iter().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(headings.len(), 7, "{all:?}");
    assert!(headings[3].starts_with("Closing within 7 days: 7 deals, $"));
    assert_eq!(headings[4], "Stalled: none");
    assert_eq!(headings[5], "Going stale within 3 days: none");
    assert!(headings[6].starts_with("No next step: 31 deals, $"));
    assert_eq!(all.len(), 23, "{all:?}");
    assert_eq!(all[16], "  +11 more: rex today --all --section overdue");
    assert_eq!(all[17], *headings[3]);
    assert_eq!(all[18], "  +7 more: rex today --all --section closing_soon");
    assert_eq!(
        all[22],
        "  +31 more: rex today --all --section no_next_step"
    );
    // Each row whole where it matters: reference, money, date; the owner at its end.
    for row in &all[3..16] {
        assert!(row.contains(".89  ") && row.contains("2026-03-05"), "{row}");
        assert!(
            ["anastasia", "boris", "cyd"]
                .iter()
                .any(|o| row.ends_with(&format!("  {o}"))),
            "{row}"
        );
    }
    // One's own view spends no column on the owner; its deal sections fit whole, and the
    // deals without a next step get the lines left.
    let mine = on_screen(&rex, &me, &["today"]);
    assert_fits_80x24(&mine);
    assert!(mine[2].starts_with("Overdue: 8 deals, $"), "{mine:?}");
    assert_eq!(mine.len(), 23, "{mine:?}");
    assert_eq!(mine[22], "  +7 more: rex today --section no_next_step");
    assert!(!mine.iter().any(|l| l.contains("anastasia")), "{mine:?}");
    // --section shows the section in full, alone.
    let section = on_screen(&rex, &me, &["today", "--all", "--section", "overdue"]);
    assert_eq!(section.len(), 1 + 24, "{section:?}");
    assert!(section[0].starts_with("Overdue: 24 deals"));
    assert!(section.iter().all(|l| l.width() <= 80), "{section:?}");
    assert!(!section.iter().any(|l| l.contains("more")), "{section:?}");
    // In a pipe, -o table shows everything.
    let piped = rex.ok(&["today", "--all", "-o", "table", "--color", "never"]);
    assert_eq!(piped.lines().count(), 7 + 24 + 7 + 31, "{piped}");
    assert!(!piped.contains("more"), "{piped}");
}

#[test]
fn today_for_scripts_is_one_flat_list_with_a_section_column() {
    let rex = Rex::new();
    // Stalled: a deal idle since January, marked in February.
    rex.at("2026-01-02T09:00:00Z");
    rex.sales();
    let stuck = deal(&rex, "Stuck", "250", "Proposal", None, "bo");
    rex.at("2026-02-10T09:00:00Z");
    rex.ok(&["deal", "stalled", "--mark"]);
    let mut ids = five(&rex);
    ids.push(stuck);
    let r = |i: usize| ids[i].as_str();
    // Everyone's deals, section by section (overdue, closing soon, stalled), each
    // soonest expected close first.
    let order = [5, 0, 1, 2, 3, 6];
    let id = rex.ok(&["today", "--all", "-o", "id"]);
    assert_eq!(id, order.map(|i| format!("{}\n", r(i))).concat());
    let fields = rex.ok(&[
        "today",
        "--all",
        "-o",
        "tsv",
        "--fields",
        "section,name,value",
    ]);
    assert_eq!(
        fields,
        "overdue\tBo's late one\t10000\n\
         overdue\tAcme - Enterprise\t1200000\n\
         overdue\tGlobex renewal\t200000\n\
         closing_soon\tInitech upgrade\t450000\n\
         closing_soon\tUmbrella pilot\t80000\n\
         stalled\tStuck\t25000\n"
    );
    let csv = rex.ok(&["today", "--all", "--fields", "name,section", "-o", "csv"]);
    assert_eq!(
        csv,
        "name,section\n\
         Bo's late one,overdue\n\
         Acme - Enterprise,overdue\n\
         Globex renewal,overdue\n\
         Initech upgrade,closing_soon\n\
         Umbrella pilot,closing_soon\n\
         Stuck,stalled\n"
    );
    // Every field: a deal's, as deal list prints them, then the section.
    let header = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["-o", "csv"]);
        rex.ok(&all).lines().next().unwrap().to_string()
    };
    let deal_header = header(&["deal", "list"]);
    assert_eq!(
        header(&["today", "--all"]),
        format!("{deal_header},section")
    );
    let tsv = rex.ok(&["today", "--all", "-o", "tsv"]);
    let list = rex.ok(&["deal", "list", "-o", "tsv"]);
    let line_of = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    let sections = [
        "overdue",
        "overdue",
        "overdue",
        "closing_soon",
        "closing_soon",
        "stalled",
    ];
    let expected: Vec<String> = order
        .iter()
        .zip(sections)
        .map(|(i, section)| format!("{}\t{section}", line_of(r(*i))))
        .collect();
    assert_eq!(tsv.lines().collect::<Vec<_>>(), expected);
    let jsonl = rex.ok(&["today", "--all", "-o", "jsonl", "--section", "stalled"]);
    let mut stalled = rex.json(&["deal", "show", r(6)]);
    stalled["section"] = json!("stalled");
    assert_eq!(
        jsonl,
        format!("{}\n", serde_json::to_string(&stalled).unwrap())
    );
    // JSON keeps its shape: a key per section, each an array of deals.
    let today = rex.json(&["today", "--all"]);
    let show = |i: usize| rex.json(&["deal", "show", r(i)]);
    assert_eq!(
        today,
        json!({
            "activities_overdue": [],
            "activities_today": [],
            "overdue": [show(5), show(0), show(1)],
            "closing_soon": [show(2), show(3)],
            "stalled": [show(6)],
            "going_stale": [],
            // No deal has a next step: every active deal, soonest expected close first.
            "no_next_step": [show(5), show(0), show(1), show(2), show(3), show(6), show(4)],
        })
    );
    let keys: Vec<&String> = today.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "activities_overdue",
            "activities_today",
            "overdue",
            "closing_soon",
            "stalled",
            "going_stale",
            "no_next_step"
        ]
    );
    // --section: only those keys; --fields: only those fields of each deal.
    let some = rex.json(&[
        "today",
        "--all",
        "--section",
        "stalled",
        "--section",
        "closing_soon",
        "--fields",
        "name,section",
    ]);
    assert_eq!(
        some,
        json!({
            "closing_soon": [
                {"name": "Initech upgrade", "section": "closing_soon"},
                {"name": "Umbrella pilot", "section": "closing_soon"},
            ],
            "stalled": [{"name": "Stuck", "section": "stalled"}],
        })
    );
    // Nothing due: no line at all, and every key still there.
    let out = rex
        .cmd()
        .env("REX_OWNER", "nobody")
        .args(["today", "-o", "id"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    assert_eq!(
        rex.json(&["today", "--owner", "nobody"]),
        json!({"activities_overdue": [], "activities_today": [], "overdue": [],
               "closing_soon": [], "stalled": [], "going_stale": [], "no_next_step": []})
    );
    // Fields that a deal of today does not have, and sections that do not exist.
    let line = rex.fails(&["today", "--fields", "name,nope"], 2);
    assert!(
        line.starts_with("rex: unknown field 'nope' for --fields; valid fields: id, name,")
            && line.ends_with(", section, value_dollars"),
        "{line}"
    );
    let line = rex.fails(&["today", "--section", "later"], 2);
    assert!(
        line.contains("'later'") && line.contains("overdue, closing_soon, stalled, going_stale"),
        "{line}"
    );
}

#[test]
fn today_prints_value_dollars_when_fields_name_it_as_deal_list_does() {
    let rex = Rex::new();
    rex.sales();
    let ids = five(&rex);
    let r = |i: usize| ids[i].as_str();
    // The flat formats: the field among the others, in the order asked.
    let tsv = rex.ok(&[
        "today",
        "--all",
        "-o",
        "tsv",
        "--fields",
        "name,value_dollars,section",
    ]);
    assert_eq!(
        tsv,
        "Bo's late one\t100.00\toverdue\n\
         Acme - Enterprise\t12000.00\toverdue\n\
         Globex renewal\t2000.00\toverdue\n\
         Initech upgrade\t4500.00\tclosing_soon\n\
         Umbrella pilot\t800.00\tclosing_soon\n"
    );
    let csv = rex.ok(&[
        "today",
        "--all",
        "--section",
        "closing_soon",
        "-o",
        "csv",
        "--fields",
        "value_dollars,value",
    ]);
    assert_eq!(csv, "value_dollars,value\n4500.00,450000\n800.00,80000\n");
    let jsonl = rex.ok(&[
        "today",
        "--all",
        "--section",
        "overdue",
        "-o",
        "jsonl",
        "--fields",
        "id,value_dollars",
    ]);
    assert_eq!(
        jsonl,
        format!(
            "{{\"id\":\"{}\",\"value_dollars\":\"100.00\"}}\n\
             {{\"id\":\"{}\",\"value_dollars\":\"12000.00\"}}\n\
             {{\"id\":\"{}\",\"value_dollars\":\"2000.00\"}}\n",
            r(5),
            r(0),
            r(1)
        )
    );
    // JSON keeps a key per section, each deal narrowed to the fields.
    let json = rex.json(&[
        "today",
        "--all",
        "--section",
        "closing_soon",
        "--fields",
        "name,value_dollars",
    ]);
    assert_eq!(
        json,
        json!({"closing_soon": [
            {"name": "Initech upgrade", "value_dollars": "4500.00"},
            {"name": "Umbrella pilot", "value_dollars": "800.00"},
        ]})
    );
    // Whole, the deals have no value_dollars: it is printed only on request.
    let whole = rex.json(&["today", "--all", "--section", "closing_soon"]);
    assert!(
        whole["closing_soon"][0].get("value_dollars").is_none(),
        "{whole}"
    );
    // The same as deal list prints it.
    let list = rex.ok(&[
        "deal",
        "show",
        r(2),
        "-o",
        "tsv",
        "--fields",
        "value_dollars",
    ]);
    assert_eq!(list, "4500.00\n");
}
