//! Other CRMs' exports that rex would read wrong are refused, naming the line: amounts in
//! another notation or currency, a report's rows that are not its footer, an outcome no
//! column gives, a local time the clocks skipped, a rate or a mapping given twice.

use serde_json::{json, Value};

use crate::support::{s, succeeded, Rex};

/// Each deal's name and value in cents, by name.
fn values(rex: &Rex) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = rex
        .json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(&d["name"]), d["value"].as_i64().unwrap()))
        .collect();
    out.sort();
    out
}

const REPORT_HEADER: &str =
    "\"Opportunity Name\",\"Opportunity Owner\",\"Stage\",\"Amount\",\"Close Date\"\n";

fn report_row(name: &str, amount: &str) -> String {
    format!("\"{name}\",\"Ana Rep\",\"Qualification\",\"{amount}\",\"2025-06-30\"\n")
}

const REPORT_FOOTER: &str = "\n\"Grand Totals (4 records)\"\n\"\",\"\",\"\",\"4,000.00\"\n\"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.\"\n";

#[test]
fn a_salesforce_report_ends_only_at_its_footer() {
    let rex = Rex::new();
    rex.sales();
    let args = |path: &str| -> Vec<String> {
        [
            "import",
            path,
            "--from",
            "salesforce",
            "--pipeline",
            "Sales",
        ]
        .map(str::to_string)
        .to_vec()
    };
    // A row of empty cells, or a short row, between deals: refused, naming it.
    for (between, line) in [
        ("\"\",\"\",\"\",\"\",\"\"\n", "line 4: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it (line 5)"),
        (",,,,\n", "line 4: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it (line 5)"),
        ("\"Acme\",\"Ana Rep\"\n", "line 4: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it (line 5)"),
        ("\"\",\"Ana Rep\",\"Qualification\",\"1,000.00\",\"2025-06-30\"\n", "line 4: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it (line 5)"),
        // A subtotal as wide as the header, with a name but no stage.
        ("\"Total\",\"\",\"\",\"2,000.00\",\"\"\n", "line 4: the row holds no deal (it is empty, shorter than the header, has no name or is a total) but deals follow it (line 5)"),
    ] {
        let report = format!(
            "{REPORT_HEADER}{}{}{between}{}{}{REPORT_FOOTER}",
            report_row("Acme", "1,000.00"),
            report_row("Globex", "1,000.00"),
            report_row("Initech", "1,000.00"),
            report_row("Umbrella", "1,000.00"),
        );
        let path = rex.file("report.csv", &report);
        let a = args(&path);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert_eq!(
            rex.fails(&a, 2),
            format!("rex: {line}; only the report's footer may end its rows; nothing was imported")
        );
    }
    // A deal whose name starts like the totals row is a deal; the footer after the last
    // deal is skipped, its totals row and lines padded to the header's width too.
    let report = format!(
        "{REPORT_HEADER}{}{}{}{}\"Grand Totals (4 records)\",\"\",\"\",\"4,000.00\",\"\"\n\"Confidential Information - Do Not Distribute\",,,,\n{REPORT_FOOTER}",
        report_row("Grand Totals Ltd", "1,000.00"),
        report_row("Acme", "1,000.00"),
        report_row("Total Wine", "1,000.00"),
        report_row("Copyright Office", "1,000.00"),
    );
    let path = rex.file("report.csv", &report);
    let a = args(&path);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    assert_eq!(
        rex.json(&a),
        json!({"pipelines": 0, "deals": 4, "events": 0, "dry_run": false, "activities": 0})
    );
    assert_eq!(
        values(&rex),
        [
            ("Acme".to_string(), 100000),
            ("Copyright Office".to_string(), 100000),
            ("Grand Totals Ltd".to_string(), 100000),
            ("Total Wine".to_string(), 100000),
        ]
    );
    // A report without a name column is refused at its header, not taken for a footer.
    let path = rex.file(
        "nameless.csv",
        "\"Opportunity Owner\",\"Stage\",\"Amount\"\n\"Ana Rep\",\"Qualification\",\"1,000.00\"\n",
    );
    assert_eq!(
        rex.fails(
            &[
                "import",
                &path,
                "--from",
                "salesforce",
                "--pipeline",
                "Sales"
            ],
            2
        ),
        "rex: line 1: no column is the deal's name (the file has 'Opportunity Owner', 'Stage', 'Amount'); say which with --map name=COLUMN; nothing was imported"
    );
}

/// A HubSpot export of one deal with this amount (and currency, when given).
fn hubspot(rex: &Rex, amount: &str, currency: Option<&str>) -> String {
    let text = match currency {
        Some(c) => format!("Record ID,Deal Name,Amount,Currency\n1,Acme,\"{amount}\",{c}\n"),
        None => format!("Record ID,Deal Name,Amount\n1,Acme,\"{amount}\"\n"),
    };
    rex.file("hubspot.csv", &text)
}

#[test]
fn crm_amounts_are_read_strictly_in_one_notation() {
    let rex = Rex::new();
    rex.sales();
    let comma = "; if the file writes decimals with a comma, give --decimal comma";
    for (amount, currency, why) in [
        ("1.234,56", None, format!("use only the digits 0-9, commas between thousands and one decimal point{comma}")),
        ("1,50", None, format!("a comma may only separate thousands (groups of three digits){comma}")),
        ("0,99", None, format!("a comma may only separate thousands (groups of three digits){comma}")),
        ("1 234,56", None, format!("use only the digits 0-9, commas between thousands and one decimal point{comma}")),
        ("12.345", None, format!("more than two decimals (cents) is not allowed; give --round to round it to the cent, halves up{comma}")),
        (",5", None, "a comma may only separate thousands (groups of three digits)".to_string()),
        ("-5", None, "it is negative; it must be 0 or more".to_string()),
        ("¥2,500,000", None, "the symbol ¥ says a currency but no currency column gives it; add one (like JPY) or write the amount without it".to_string()),
        ("£500", None, "the symbol £ says a currency but no currency column gives it; add one (like GBP) or write the amount without it".to_string()),
        ("€500", Some("USD"), "the symbol € is not the row's currency, USD".to_string()),
        ("$500", Some("EUR"), "the symbol $ is not the row's currency, EUR".to_string()),
        ("1,500", Some("EUR"), "it could be 1500 or 1.500; say how the file writes decimals with --decimal point or --decimal comma".to_string()),
    ] {
        let path = hubspot(&rex, amount, currency);
        assert_eq!(
            rex.fails(&["import", &path, "--from", "hubspot", "--rate", "EUR=1.1", "--rate", "JPY=0.0067"], 2),
            format!("rex: line 2: field 'Amount': '{amount}': {why}; nothing was imported"),
            "{amount}"
        );
    }
    // A rate is a plain decimal.
    let path = hubspot(&rex, "100", Some("EUR"));
    for (rate, why) in [
        (
            "EUR=1,5",
            "'1,5' is not a plain decimal above 0, like 1.0825",
        ),
        (
            "EUR=1,500",
            "'1,500' is not a plain decimal above 0, like 1.0825",
        ),
        ("EUR=0", "'0' is not a plain decimal above 0, like 1.0825"),
        (
            "EUR= 1.1",
            "' 1.1' is not a plain decimal above 0, like 1.0825",
        ),
        (
            "EUR=€1.5",
            "'€1.5' is not a plain decimal above 0, like 1.0825",
        ),
    ] {
        assert_eq!(
            rex.fails(&["import", &path, "--from", "hubspot", "--rate", rate], 2),
            format!("rex: --rate '{rate}': {why}")
        );
    }
    // What the file's notation says, read exactly.
    let mut n = 0;
    for (amount, currency, flags, cents) in [
        ("48,000.00", None, &[][..], 4_800_000),
        ("$1,234.5", None, &[], 123_450),
        ("$1,234.5", Some("USD"), &[], 123_450),
        ("1.234,56", None, &["--decimal", "comma"][..], 123_456),
        ("1 234,56", None, &["--decimal", "comma"], 123_456),
        ("0,99", None, &["--decimal", "comma"], 99),
        ("12.345", None, &["--decimal", "comma"], 1_234_500),
        ("€1.500", Some("EUR"), &["--decimal", "comma"], 165_000),
        ("1,500", Some("EUR"), &["--decimal", "point"], 165_000),
        ("¥2,500,000", Some("JPY"), &[], 1_675_000),
        // Converting is where rounding to the cent is inherent: halves up.
        ("9225.225", Some("EUR"), &[], 1_014_775),
        ("0.045", Some("EUR"), &[], 5),
    ] {
        n += 1;
        let text = match currency {
            Some(c) => {
                format!("Record ID,Deal Name,Amount,Currency\n{n},Deal {n:02},\"{amount}\",{c}\n")
            }
            None => format!("Record ID,Deal Name,Amount\n{n},Deal {n:02},\"{amount}\"\n"),
        };
        let path = rex.file("one.csv", &text);
        let mut args = vec![
            "import",
            &path,
            "--from",
            "hubspot",
            "--rate",
            "EUR=1.1",
            "--rate",
            "JPY=0.0067",
        ];
        args.extend(flags);
        rex.ok(&args);
        let deal = rex.json(&["deal", "show", &format!("Deal {n:02}")]);
        assert_eq!(deal["value"], cents, "{amount} {currency:?} {flags:?}");
    }
    // Any CSV's dollars follow --decimal too; without it they are read as rex reads dollars.
    let path = rex.file("own.csv", "name,value_dollars\nKomma,\"1.234,56\"\n");
    assert_eq!(
        rex.fails(&["import", &path], 2),
        "rex: line 2: field 'value_dollars': invalid amount '1.234,56': use only the digits 0-9, commas between thousands and one decimal point; write it like 5000, 5000.50 or $5,000.50; nothing was imported"
    );
    rex.ok(&["import", &path, "--decimal", "comma"]);
    assert_eq!(rex.json(&["deal", "show", "Komma"])["value"], 123456);
}

#[test]
fn a_conversion_never_overflows() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "big.csv",
        "Record ID,Deal Name,Amount,Currency\n1,Huge,10000000000000000000.000000000007,XYZ\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "hubspot",
        "--rate",
        "XYZ=0.000000340292",
    ]);
    // $3,402,920,000,000.00, under the maximum of $10,000,000,000,000.00.
    assert_eq!(
        rex.json(&["deal", "show", "Huge"])["value"],
        340_292_000_000_000i64
    );
    let path = rex.file(
        "bigger.csv",
        "Record ID,Deal Name,Amount,Currency\n2,Huger,10000000000000000000.000000000007,XYZ\n",
    );
    assert_eq!(
        rex.fails(&["import", &path, "--from", "hubspot", "--rate", "XYZ=1.000000340292"], 2),
        "rex: line 2: field 'Amount': '10000000000000000000.000000000007' XYZ at 1.000000340292: it is more than $10,000,000,000,000.00, the largest amount rex keeps; nothing was imported"
    );
}

#[test]
fn twenty_micros_below_zero_are_refused() {
    let rex = Rex::new();
    rex.sales();
    for micros in ["-500000", "-1500000", "1500000.5"] {
        let path = rex.file("twenty.csv",
            &format!("Id,Name,Amount / Amount Micros,Amount / Currency Code\n7c1a,Twenty deal,{micros},USD\n"),
        );
        let why = if micros.starts_with('-') {
            "it is negative; it must be 0 or more"
        } else {
            "millionths are a whole number"
        };
        assert_eq!(
            rex.fails(&["import", &path, "--from", "twenty", "--pipeline", "Sales"], 2),
            format!("rex: line 2: field 'Amount / Amount Micros': '{micros}': {why}; nothing was imported")
        );
    }
    let path = rex.file(
        "twenty.csv",
        "Id,Name,Amount / Amount Micros,Amount / Currency Code\n7c1a,Twenty deal,500000,USD\n",
    );
    rex.ok(&["import", &path, "--from", "twenty", "--pipeline", "Sales"]);
    assert_eq!(values(&rex), [("Twenty deal".to_string(), 50)]);
}

#[test]
fn a_closed_deal_without_its_outcome_is_refused() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "loader.csv",
        "Id,Name,StageName,Amount,IsClosed\n0066g00000AbCdEAAA,Closed how,Negotiation,1000,true\n",
    );
    assert_eq!(
        rex.fails(&["import", &path, "--from", "salesforce-loader", "--pipeline", "Sales"], 2),
        "rex: line 2: field 'IsClosed': the deal is closed but nothing says whether it was won or lost (no IsWon, no Closed Won or Closed Lost stage); add IsWon; nothing was imported"
    );
    // Won but open is a contradiction, in either spelling.
    for flags in ["false,true", "0,1"] {
        let path = rex.file("loader.csv",
            &format!("Id,Name,StageName,Amount,IsClosed,IsWon\n0066g00000AbCdEAAA,Both,Negotiation,1000,{flags}\n"),
        );
        assert_eq!(
            rex.fails(&["import", &path, "--from", "salesforce-loader", "--pipeline", "Sales"], 2),
            "rex: line 2: field 'IsWon': the deal is won but IsClosed says it is open; a won deal is closed: make IsClosed true or IsWon false; nothing was imported"
        );
    }
    // The stage says it (as Salesforce's own exports leave IsWon empty when lost).
    let path = rex.file("loader.csv",
        "Id,Name,StageName,Amount,IsClosed,IsWon\n0066g00000AbCdEAAA,Lost one,Closed Lost,1000,1,\n0066g00000AbCdFAAA,Won one,Negotiation,1000,true,true\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--pipeline",
        "Sales",
    ]);
    assert_eq!(rex.json(&["deal", "show", "Lost one"])["status"], "lost");
    assert_eq!(rex.json(&["deal", "show", "Won one"])["status"], "won");
    // IsWon alone: won is closed.
    let path = rex.file(
        "loader.csv",
        "Id,Name,StageName,Amount,IsWon\n0066g00000AbCdGAAA,Won alone,Negotiation,1000,true\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--pipeline",
        "Sales",
    ]);
    assert_eq!(rex.json(&["deal", "show", "Won alone"])["status"], "won");
}

#[test]
fn a_local_time_the_clocks_skipped_is_read_with_the_offset_before() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("dst.csv",
        "name,value,created_at\nSkipped,100,2026-03-08 02:30:00\nTwice,100,2026-11-01 01:30:00\nPlain,100,2026-03-08 01:30:00\n",
    );
    let out = rex
        .cmd()
        .env("TZ", "America/New_York")
        .args(["import", &path, "--keep-unknown"])
        .output()
        .unwrap();
    succeeded(&out);
    let created = |name: &str| -> Value { rex.json(&["deal", "show", name])["created_at"].clone() };
    // 02:30 does not exist in New York that day: read as standard time (-05:00), 03:30 EDT.
    assert_eq!(created("Skipped"), "2026-03-08T07:30:00Z");
    // 01:30 happens twice when the clocks go back: the earlier (-04:00).
    assert_eq!(created("Twice"), "2026-11-01T05:30:00Z");
    assert_eq!(created("Plain"), "2026-03-08T06:30:00Z");
}

#[test]
fn a_rate_or_a_mapping_given_twice_is_refused() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "deals.csv",
        "Record ID,Deal Name,Amount,Currency,Other Name\n1,Acme,100,EUR,Acme Two\n",
    );
    assert_eq!(
        rex.fails(
            &[
                "import",
                &path,
                "--from",
                "hubspot",
                "--map",
                "-=Other Name",
                "--rate",
                "EUR=1.1",
                "--rate",
                "eur=1.2"
            ],
            2
        ),
        "rex: --rate 'eur=1.2': EUR is given a rate twice; give each currency one --rate"
    );
    let plain = rex.file("plain.csv", "A,B,value\nAcme,Globex,100\n");
    assert_eq!(
        rex.fails(&["import", &plain, "--map", "name=A", "--map", "name=B"], 2),
        "rex: --map 'name=B': name is already mapped to column 'A'; map each field once"
    );
    assert_eq!(
        rex.fails(
            &[
                "import",
                &plain,
                "--map",
                "name=A",
                "--map",
                "owner_id=A",
                "--map",
                "-=B"
            ],
            2
        ),
        "rex: --map 'owner_id=A': column 'A' is already mapped (to name); map each column once"
    );
    // A mapped column and the profile's own column for the same field.
    assert_eq!(
        rex.fails(&["import", &path, "--from", "hubspot", "--map", "name=Other Name", "--rate", "EUR=1.1"], 2),
        "rex: line 1: columns 'Deal Name' and 'Other Name' both go to name; drop one with --map -=COLUMN; nothing was imported"
    );
}
