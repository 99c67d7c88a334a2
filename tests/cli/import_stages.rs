//! Another CRM's stages are decided from the whole file, a file without an id column still
//! knows its deals, and a closed deal closes when the file says.

use serde_json::{json, Value};

use crate::support::{deals_by_name, s, Rex};

/// A pipeline's stage names, in order.
fn stages(rex: &Rex, pipeline: &str) -> Vec<String> {
    rex.json(&["pipeline", "show", pipeline])["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| s(&st["name"]))
        .collect()
}

/// Each deal by name: its status, `pipeline/stage`, origin, closed_at and value.
fn deals(rex: &Rex) -> Vec<Value> {
    deals_by_name(rex, |d, stage| {
        json!({
            "name": d["name"], "status": d["status"], "stage": stage,
            "origin": d["origin"], "closed_at": d["closed_at"], "value": d["value"],
        })
    })
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

// A closed deal read before any open one used to land in an invented "Prospecting"
// (the profile's first stage, which the file never names), or in whatever stage was last
// when its row was read.

#[test]
fn a_closed_deal_lands_in_the_last_stage_whatever_the_order_of_the_rows() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file(
        "loader.csv",
        "Id,Name,StageName,Amount,CloseDate\n\
         006A,Won first,Closed Won,100,2025-02-01\n\
         006B,Needs one,Qualification,1,2025-09-01\n\
         006C,Lost early,Closed Lost,1,2025-03-01\n\
         006D,Negotiating,Negotiation/Review,1,2025-09-01\n\
         006E,Analysing,Needs Analysis,1,2025-09-01\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ]);
    assert_eq!(
        stages(&rex, "Sales Pipeline"),
        ["Qualification", "Needs Analysis", "Negotiation/Review"]
    );
    let got = deals(&rex);
    let placed: Vec<(String, String)> = got
        .iter()
        .map(|d| (s(&d["name"]), s(&d["stage"])))
        .collect();
    assert_eq!(
        placed,
        [
            ("Analysing", "Sales Pipeline/Needs Analysis"),
            ("Lost early", "Sales Pipeline/Negotiation/Review"),
            ("Needs one", "Sales Pipeline/Qualification"),
            ("Negotiating", "Sales Pipeline/Negotiation/Review"),
            ("Won first", "Sales Pipeline/Negotiation/Review"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

#[test]
fn salesforce_stage_sort_order_orders_the_stages_and_is_not_metadata() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    // Custom stages no profile knows, listed against their order, a closed row first.
    let path = rex.file(
        "opportunity.csv",
        "\"Id\",\"Name\",\"StageName\",\"StageSortOrder\",\"Amount\",\"IsClosed\",\"IsWon\"\n\
         \"006A\",\"Won\",\"Closed Won\",\"9\",\"10\",\"true\",\"true\"\n\
         \"006B\",\"Signing\",\"Contracting\",\"5\",\"10\",\"false\",\"false\"\n\
         \"006C\",\"Checking\",\"Tech Validation\",\"3\",\"10\",\"false\",\"false\"\n\
         \"006D\",\"Calling\",\"Discovery Call\",\"1\",\"10\",\"false\",\"false\"\n\
         \"006E\",\"Lost in tech\",\"Tech Validation\",\"3\",\"10\",\"true\",\"false\"\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ];
    let out = rex.run(&[&args[..], &["--dry-run"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("rex: column 'StageSortOrder' → the order of the stages it creates\n"),
        "{}",
        stderr(&out)
    );
    rex.ok(&args);
    assert_eq!(
        stages(&rex, "Sales Pipeline"),
        ["Discovery Call", "Tech Validation", "Contracting"]
    );
    let won = rex.json(&["deal", "show", "Won"]);
    assert_eq!(won["metadata"], json!({}));
    let got = deals(&rex);
    assert_eq!(got[4]["name"], "Won");
    assert_eq!(got[4]["stage"], "Sales Pipeline/Contracting");
    // A lost deal that names its stage stays in it.
    assert_eq!(got[2]["name"], "Lost in tech");
    assert_eq!(got[2]["stage"], "Sales Pipeline/Tech Validation");
}

#[test]
fn a_new_pipeline_whose_rows_name_no_open_stage_gets_the_default_stages() {
    // HubSpot: its default pipeline, never a lone first stage.
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file(
        "hubspot.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Pipeline\n\
         1,Won A,Closed Won,10,Renewals\n\
         2,Lost B,closedlost,10,Renewals\n\
         3,Open C,Qualified To Buy,10,Sales\n\
         4,Won D,Closed Won,10,Sales\n\
         5,Open E,Appointment Scheduled,10,Sales\n",
    );
    rex.ok(&["import", &path, "--from", "hubspot", "--create-stages"]);
    assert_eq!(
        stages(&rex, "Renewals"),
        [
            "Appointment Scheduled",
            "Qualified To Buy",
            "Presentation Scheduled",
            "Decision Maker Bought-In",
            "Contract Sent"
        ]
    );
    assert_eq!(
        stages(&rex, "Sales"),
        ["Appointment Scheduled", "Qualified To Buy"]
    );
    let placed: Vec<String> = deals(&rex).iter().map(|d| s(&d["stage"])).collect();
    assert_eq!(
        placed,
        // Lost B, Open C, Open E, Won A, Won D.
        [
            "Renewals/Contract Sent",
            "Sales/Qualified To Buy",
            "Sales/Appointment Scheduled",
            "Renewals/Contract Sent",
            "Sales/Qualified To Buy"
        ]
    );
    // --map without a profile: rex's own default stages.
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file("won.csv", "title,state,amount\nDone,won,5\n");
    rex.ok(&[
        "import",
        &path,
        "--map",
        "name=title",
        "--map",
        "status=state",
        "--map",
        "value_dollars=amount",
        "--create-stages",
    ]);
    assert_eq!(
        stages(&rex, "Sales Pipeline"),
        [
            "Discovery",
            "Qualification",
            "Proposal",
            "Negotiation",
            "Closed"
        ]
    );
    assert_eq!(deals(&rex)[0]["stage"], "Sales Pipeline/Closed");
}

// A dry run shows the stages it would create, one line per pipeline; an existing
// pipeline gets the new ones where the CRM's order puts them and is not reordered.

#[test]
fn a_dry_run_shows_the_stages_each_pipeline_would_get() {
    let rex = Rex::new();
    rex.ok(&[
        "pipeline",
        "create",
        "Deals",
        "--stage",
        "Prospecting",
        "--stage",
        "Our Own",
        "--stage",
        "Negotiation/Review",
    ]);
    let path = rex.file(
        "loader.csv",
        "Id,Name,StageName,Amount\n\
         006A,Won,Closed Won,1\n\
         006B,Analysing,Needs Analysis,1\n\
         006C,Quoting,Proposal/Price Quote,1\n\
         006D,Prospect,Prospecting,1\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
        "--pipeline",
        "Deals",
    ];
    let before = rex.snapshot();
    let out = rex.run(&[&args[..], &["--dry-run", "-o", "json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rex.snapshot(), before);
    let err = stderr(&out);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("rex: column"))
        .collect();
    assert_eq!(
        lines,
        ["rex: pipeline 'Deals' would get stages: Prospecting, Needs Analysis, Proposal/Price Quote, Our Own, Negotiation/Review (new: Needs Analysis, Proposal/Price Quote)"]
    );
    rex.ok(&args);
    // The stages the pipeline had keep their order (its own after the new ones, which
    // follow the stage before them in Salesforce's order); the won deal is in the last.
    assert_eq!(
        stages(&rex, "Deals"),
        [
            "Prospecting",
            "Needs Analysis",
            "Proposal/Price Quote",
            "Our Own",
            "Negotiation/Review"
        ]
    );
    assert_eq!(deals(&rex)[3]["stage"], "Deals/Negotiation/Review");
    // A new pipeline, and one that has every stage already.
    let out = rex.run(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
        "--pipeline",
        "Fresh",
        "--dry-run",
        "--upsert",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("rex: new pipeline 'Fresh' would get stages: Prospecting, Needs Analysis, Proposal/Price Quote\n"),
        "{}",
        stderr(&out)
    );
    let out = rex.run(&[&args[..], &["--dry-run", "--upsert"]].concat());
    assert!(
        stderr(&out).ends_with("rex: pipeline 'Deals' has every stage the file names: Prospecting, Needs Analysis, Proposal/Price Quote, Our Own, Negotiation/Review\n"),
        "{}",
        stderr(&out)
    );
    // Quiet, or without --create-stages, says nothing of stages.
    let out = rex.run(&[&args[..], &["--dry-run", "--upsert", "-q"]].concat());
    assert_eq!(stderr(&out), "");
}

// A file without an id column is known by its external id, or by a key of the
// columns that identify a row; the second import is refused, --upsert updates.

#[test]
fn a_report_without_an_id_column_is_known_by_its_identifying_columns() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let report = |amount: &str| {
        format!(
            "\"Opportunity Name\",\"Account Name\",\"Stage\",\"Amount\",\"Close Date\",\"Type\"\n\
             \"Deal 1\",\"Acme\",\"Qualification\",\"{amount}\",\"2025-08-31\",\"New\"\n\
             \"Deal 1\",\"Globex\",\"Qualification\",\"20\",\"2025-08-31\",\"New\"\n\
             \"Renewal\",\"Acme\",\"Closed Won\",\"30\",\"2025-01-31\",\"Renewal\"\n\
             \"Renewal\",\"Acme\",\"Closed Lost\",\"40\",\"2025-02-28\",\"Renewal\"\n"
        )
    };
    let path = rex.file("report.csv", &report("10"));
    let args = ["import", &path, "--from", "salesforce", "--create-stages"];
    let out = rex.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "rex: the file has no id column: deals are known by Opportunity Name + Account Name (--map origin=COLUMN names one)\n\
         rex: 1 row has the same Opportunity Name + Account Name as an earlier row: each is a deal of its own, told apart by its order in the file\n"
    );
    let mut origins: Vec<String> = deals(&rex).iter().map(|d| s(&d["origin"])).collect();
    origins.sort();
    assert_eq!(
        origins,
        [
            "salesforce/key:[\"Deal 1\",\"Acme\"]",
            "salesforce/key:[\"Deal 1\",\"Globex\"]",
            "salesforce/key:[\"Renewal\",\"Acme\"]",
            "salesforce/key:[\"Renewal\",\"Acme\"]#2",
        ]
    );
    let line = rex.fails(&args, 4);
    assert!(
        line.starts_with("rex: line 2: the deal from salesforce/key:[\"Deal 1\",\"Acme\"] was imported before (deal_"),
        "{line}"
    );
    assert!(
        line.ends_with("); use --upsert to update it; nothing was imported"),
        "{line}"
    );
    // The amount changes between exports: the same deals are updated.
    let path = rex.file("report.csv", &report("15"));
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce",
        "--create-stages",
        "--upsert",
    ]);
    let mut got: Vec<(String, Value, Value)> = deals(&rex)
        .iter()
        .map(|d| (s(&d["origin"]), d["value"].clone(), d["status"].clone()))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    let got: Vec<(Value, Value)> = got.into_iter().map(|(_, v, st)| (v, st)).collect();
    assert_eq!(
        got,
        [
            (json!(1500), json!("open")),
            (json!(2000), json!("open")),
            (json!(3000), json!("won")),
            (json!(4000), json!("lost")),
        ]
    );
}

#[test]
fn an_external_id_is_the_origin_when_the_file_has_no_id() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file(
        "wave.csv",
        "External_Id__c,Amount,Account.External_Id__c,Name,StageName,CloseDate\n\
         W_Opportunity.1,6406,W_Account.6,CommercePrint 35,Closed Won,2016-11-28\n\
         W_Opportunity.2,100,W_Account.7,ScoreBoard 53,Qualification,2017-01-22\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ];
    let out = rex.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let got = deals(&rex);
    assert_eq!(
        got[0]["origin"],
        "salesforce-loader/external_id:W_Opportunity.1"
    );
    assert_eq!(
        rex.json(&["deal", "show", "CommercePrint 35"])["metadata"],
        json!({"account_external_id_c": "W_Account.6", "external_id_c": "W_Opportunity.1"})
    );
    assert!(rex.fails(&args, 4).starts_with(
        "rex: line 2: the deal from salesforce-loader/external_id:W_Opportunity.1 was imported before"
    ));
    rex.ok(&[&args[..], &["--upsert"]].concat());
    assert_eq!(deals(&rex).len(), 2);
    // With an Id column, the Id is the origin and the external id only metadata.
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file(
        "both.csv",
        "Id,External_Id__c,Name,StageName\n006A,W.1,Both,Qualification\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ]);
    let d = rex.json(&["deal", "show", "Both"]);
    assert_eq!(d["origin"], "salesforce-loader:006A");
    assert_eq!(d["metadata"], json!({"external_id_c": "W.1"}));
}

#[test]
fn a_hubspot_or_mapped_file_without_an_id_is_known_by_its_name_and_contact() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file(
        "hubspot.csv",
        "dealname,dealstage,close date,associated contact\n\
         WvFI,Closed Won,01-14-2020,LjUS\n\
         jHKe,Pending Response,04-02-2022,YrjK\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "hubspot",
        "--date-order",
        "mdy",
        "--create-stages",
    ];
    let out = rex.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "rex: the file has no id column: deals are known by dealname + associated contact (--map origin=COLUMN names one)\n"
        ),
        "{}",
        stderr(&out)
    );
    let got = deals(&rex);
    assert_eq!(got[0]["origin"], "hubspot/key:[\"WvFI\",\"LjUS\"]");
    assert_eq!(got[0]["closed_at"], "2020-01-14T00:00:00Z");
    assert!(rex.fails(&args, 4).starts_with(
        "rex: line 2: the deal from hubspot/key:[\"WvFI\",\"LjUS\"] was imported before"
    ));
    // --map with no id or origin column mapped: the same, under csv/.
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("plain.csv",
        "title,company,created,amount\nLead,Acme,2025-01-02,5\nLead,Acme,2025-01-02,6\nLead,Globex,2025-01-02,7\n",
    );
    let args = [
        "import",
        &path,
        "--map",
        "name=title",
        "--map",
        "metadata.company=company",
        "--map",
        "created_at=created",
        "--map",
        "value_dollars=amount",
    ];
    let out = rex.run(&args);
    assert_eq!(
        stderr(&out),
        "rex: the file has no id column: deals are known by title + company + created (--map origin=COLUMN names one)\n\
         rex: 1 row has the same title + company + created as an earlier row: each is a deal of its own, told apart by its order in the file\n"
    );
    let mut origins: Vec<(Value, Value)> = deals(&rex)
        .iter()
        .map(|d| (d["value"].clone(), d["origin"].clone()))
        .collect();
    origins.sort_by_key(|(v, _)| v.as_i64());
    assert_eq!(
        origins,
        [
            (
                json!(500),
                json!("csv/key:[\"Lead\",\"Acme\",\"2025-01-02\"]")
            ),
            (
                json!(600),
                json!("csv/key:[\"Lead\",\"Acme\",\"2025-01-02\"]#2")
            ),
            (
                json!(700),
                json!("csv/key:[\"Lead\",\"Globex\",\"2025-01-02\"]")
            ),
        ]
    );
    rex.fails(&args, 4);
    // Rex's own CSV is not given an origin.
    let own = rex.file("own.csv", "name,value\nMine,1\n");
    rex.ok(&["import", &own]);
    assert_eq!(rex.json(&["deal", "show", "Mine"])["origin"], Value::Null);
}

// A closed deal's closed_at is the file's close date, never the import time.

#[test]
fn a_closed_deal_closes_on_the_files_close_date_in_profiles_and_with_map() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    // The profiles: Salesforce's CloseDate, HubSpot's Close Date.
    let path = rex.file("loader.csv",
        "Id,Name,StageName,CloseDate\n006A,SF won,Closed Won,2025-02-01\n006B,SF open,Qualification,2025-09-01\n",
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ]);
    let path = rex.file("hubspot.csv",
        "Record ID,Deal Name,Deal Stage,Close Date,Pipeline\n1,HS lost,Closed Lost,2025-03-04 10:00,HS\n",
    );
    rex.ok(&["import", &path, "--from", "hubspot", "--create-stages"]);
    // Maven's shape: a close date column and a stage column of outcomes.
    let maven = |close: &str| {
        format!(
            "opportunity_id,account,deal_stage,close_date,close_value\n\
             1C1I7A6R,Cancity,Won,{close},1054\n\
             Z063OYW0,Isdom,Lost,2017-03-11,0\n\
             EC4QE1BX,Cancity,Open,,\n"
        )
    };
    let path = rex.file("maven.csv", &maven("2017-03-01"));
    let mapped = [
        "import",
        &path,
        "--map",
        "name=opportunity_id",
        "--map",
        "status=deal_stage",
        "--map",
        "expected_close=close_date",
        "--map",
        "value_dollars=close_value",
        "--map",
        "-=account",
        "--pipeline",
        "Maven",
        "--create-stages",
    ];
    rex.ok(&mapped);
    let closed: Vec<(String, Value)> = deals(&rex)
        .iter()
        .map(|d| (s(&d["name"]), d["closed_at"].clone()))
        .collect();
    assert_eq!(
        closed,
        [
            ("1C1I7A6R".to_string(), json!("2017-03-01T00:00:00Z")),
            ("EC4QE1BX".to_string(), Value::Null),
            ("HS lost".to_string(), json!("2025-03-04T10:00:00Z")),
            ("SF open".to_string(), Value::Null),
            ("SF won".to_string(), json!("2025-02-01T00:00:00Z")),
            ("Z063OYW0".to_string(), json!("2017-03-11T00:00:00Z")),
        ]
    );
    // An upsert that gives a new close date takes it; the same file again changes nothing.
    rex.file("maven.csv", &maven("2017-03-02"));
    rex.ok(&[&mapped[..], &["--upsert"]].concat());
    assert_eq!(
        rex.json(&["deal", "show", "1C1I7A6R"])["closed_at"],
        "2017-03-02T00:00:00Z"
    );
    let before = rex.ok(&["export"]);
    rex.at("2026-04-01T00:00:00Z");
    rex.ok(&[&mapped[..], &["--upsert"]].concat());
    assert_eq!(rex.ok(&["export"]), before);

    // --map closed_at=COLUMN: a date-only column closes the closed rows on that day.
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file("maven.csv", &maven("2017-03-01"));
    let mapped = [
        "import",
        &path,
        "--map",
        "name=opportunity_id",
        "--map",
        "status=deal_stage",
        "--map",
        "closed_at=close_date",
        "--map",
        "value_dollars=close_value",
        "--map",
        "-=account",
        "--create-stages",
    ];
    rex.ok(&mapped);
    let closed: Vec<Value> = deals(&rex).iter().map(|d| d["closed_at"].clone()).collect();
    assert_eq!(
        closed,
        [
            json!("2017-03-01T00:00:00Z"),
            Value::Null,
            json!("2017-03-11T00:00:00Z")
        ]
    );
    // An open row with a date in that column contradicts it: refused, naming the column.
    let rex = Rex::new();
    rex.sales();
    let path = rex.file(
        "open.csv",
        "opportunity_id,deal_stage,close_date\nA,Open,2017-03-01\n",
    );
    assert_eq!(
        rex.fails(
            &[
                "import",
                &path,
                "--map",
                "name=opportunity_id",
                "--map",
                "status=deal_stage",
                "--map",
                "closed_at=close_date",
            ],
            2
        ),
        "rex: line 2: field 'close_date': an open deal has no closed_at; leave it empty, give the row a closed status, or map the column with --map expected_close='close_date' if it is when deals are expected to close; nothing was imported"
    );
}

#[test]
fn a_key_longer_than_an_origin_may_be_names_the_line_and_the_way_out() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales", "--stage", "Qualification"]);
    let (name, account) = ("N".repeat(200), "A".repeat(300));
    let path = rex.dir.path().join("report.csv");
    std::fs::write(
        &path,
        format!("Opportunity Name,Account Name,Stage,Amount\nShort,Acme,Qualification,1\n{name},{account},Qualification,2\n"),
    )
    .unwrap();
    assert_eq!(
        rex.fails(
            &["import", path.to_str().unwrap(), "--from", "salesforce"],
            2
        ),
        "rex: line 3: the deal is known by Opportunity Name + Account Name, 522 characters \
         together, over the 500 an origin may have; name an id column with --map origin=COLUMN; \
         nothing was imported"
    );
}

/// A stage the CRM's order cannot place among a pipeline's own stages (none of them is the
/// CRM's) goes at the end, never before the pipeline's first stage, where new deals start.
#[test]
fn a_stage_the_crms_order_cannot_place_goes_last_not_first() {
    let rex = Rex::new();
    rex.ok(&[
        "pipeline", "create", "Partners", "--stage", "Intro", "--stage", "Pilot",
    ]);
    let report = rex.file(
        "report.csv",
        "Opportunity Name,Stage,Amount\nBig,Negotiation/Review,5\n",
    );
    let args = [
        "import",
        &report,
        "--from",
        "salesforce",
        "--create-stages",
        "--pipeline",
        "Partners",
    ];
    rex.ok(&args);
    assert_eq!(
        stages(&rex, "Partners"),
        ["Intro", "Pilot", "Negotiation/Review"]
    );
    // Placed by the CRM's order among its own stages: before Negotiation/Review.
    let more = rex.file(
        "more.csv",
        "Opportunity Name,Stage,Amount\nSmall,Qualification,1\n",
    );
    rex.ok(&[
        "import",
        &more,
        "--from",
        "salesforce",
        "--create-stages",
        "--pipeline",
        "Partners",
    ]);
    assert_eq!(
        stages(&rex, "Partners"),
        ["Intro", "Pilot", "Qualification", "Negotiation/Review"]
    );
    // A new deal still starts in the first stage.
    rex.ok(&[
        "deal",
        "create",
        "Fresh",
        "--value",
        "1",
        "--pipeline",
        "Partners",
    ]);
    let fresh = rex.json(&["deal", "show", "Fresh"]);
    let partners = rex.json(&["pipeline", "show", "Partners"]);
    assert_eq!(fresh["stage_id"], partners["stages"][0]["id"]);
    // Sort orders of one file place its stages among themselves, after the pipeline's own.
    rex.ok(&["pipeline", "create", "SO", "--stage", "Zeta"]);
    let sorted = rex.file(
        "sorted.csv",
        "Id,Name,StageName,StageSortOrder\n1,B,Beta,2\n2,D,Delta,4\n3,A,Alpha,1\n",
    );
    rex.ok(&[
        "import",
        &sorted,
        "--from",
        "salesforce-loader",
        "--create-stages",
        "--pipeline",
        "SO",
    ]);
    assert_eq!(stages(&rex, "SO"), ["Zeta", "Alpha", "Beta", "Delta"]);
}
