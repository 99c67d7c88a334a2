//! `--map` and the profiles: metadata keys that collide, a foreign `id` column, stages that
//! mean won or lost, one rule for cents, date orders the file settles.

use serde_json::{json, Value};

use crate::support::{s, Rex};

/// Each deal by name: the fields these tests look at.
fn deals(rex: &Rex) -> Vec<Value> {
    rex.json(&["deal", "list", "--sort", "name"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!({
                "name": d["name"], "value": d["value"], "status": d["status"],
                "origin": d["origin"], "metadata": d["metadata"],
                "expected_close": d["expected_close"], "closed_at": d["closed_at"],
            })
        })
        .collect()
}

/// `rex import PATH` with `map` and `more` arguments.
fn import<'a>(path: &'a str, map: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [&["import", path][..], map, more].concat()
}

/// Runs an import that must succeed; returns its stderr.
fn imported(rex: &Rex, args: &[&str]) -> String {
    let out = rex.run(args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "rex {args:?}: {err}");
    err
}

#[test]
fn cents_are_one_rule_everywhere_zeros_past_them_are_fine_more_is_refused_or_rounded() {
    let rex = Rex::new();
    rex.sales();
    // Trailing zeros are no decimals: --map value_dollars, a profile's Amount, rex's own CSV.
    let mapped = rex.file("mapped.csv", "Deal,Dollars\nMapped,179500.00000000\n");
    let map = ["--map", "name=Deal", "--map", "value_dollars=Dollars"];
    let hubspot = rex.file("hubspot.csv", "Deal Name,Amount\nProfiled,1500.2500\n");
    let own = rex.file("own.csv", "name,value_dollars\nOwn,\"$2,000.100\"\n");
    imported(&rex, &[&["import", &mapped][..], &map].concat());
    imported(&rex, &["import", &hubspot, "--from", "hubspot"]);
    imported(&rex, &["import", &own]);
    let values: Vec<(String, i64)> = deals(&rex)
        .iter()
        .map(|d| (s(&d["name"]), d["value"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        values,
        [
            ("Mapped".to_string(), 17_950_000),
            ("Own".to_string(), 200_010),
            ("Profiled".to_string(), 150_025)
        ]
    );

    // More than cents is refused in every path, naming the line, the column and the value.
    let rex = Rex::new();
    rex.sales();
    let mapped = rex.file("mapped.csv", "Deal,Dollars\nA,1\nB,9225.225\n");
    let hubspot = rex.file("hubspot.csv", "Deal Name,Amount\nA,1\nB,9225.225\n");
    let own = rex.file("own.csv", "name,value_dollars\nA,1\nB,9225.225\n");
    let json_file = rex.file("own.json", r#"[{"name":"B","value_dollars":"0.125"}]"#);
    let hint = "more than two decimals (cents) is not allowed; give --round to round it to the cent, halves up; nothing was imported";
    assert_eq!(
        rex.fails(&[&["import", &mapped][..], &map].concat(), 2),
        format!("rex: line 3: field 'Dollars': '9225.225': {hint}")
    );
    assert_eq!(
        rex.fails(&["import", &hubspot, "--from", "hubspot"], 2),
        format!("rex: line 3: field 'Amount': '9225.225': {hint}")
    );
    assert_eq!(
        rex.fails(&["import", &own], 2),
        format!("rex: line 3: field 'value_dollars': '9225.225': {hint}")
    );
    assert_eq!(
        rex.fails(&["import", &json_file], 2),
        format!("rex: record 1: field 'value_dollars': '0.125': {hint}")
    );

    // --round rounds halves up, and says how many.
    let err = imported(&rex, &[&["import", &mapped, "--round"][..], &map].concat());
    assert_eq!(
        err,
        "rex: the file has no id column: deals are known by Deal (--map origin=COLUMN names one)\n\
         rex: 1 amount had more than cents: rounded half up\n"
    );
    let rounding = rex.file(
        "rounding.csv",
        "Deal Name,Amount\nC,0.125\nD,0.124\nE,\"1,000.0051\"\nF,7.50\n",
    );
    let err = imported(&rex, &["import", &rounding, "--from", "hubspot", "--round"]);
    assert_eq!(
        err,
        "rex: the file has no id column: deals are known by Deal Name (--map origin=COLUMN names one)\n\
         rex: 3 amounts had more than cents: rounded half up\n"
    );
    let values: Vec<i64> = deals(&rex)
        .iter()
        .map(|d| d["value"].as_i64().unwrap())
        .collect();
    assert_eq!(values, [100, 922_523, 13, 12, 100_001, 750]);

    // An amount in another currency is converted at its rate, which rounds to the cent
    // whatever is given: not counted, and the amount as exported stays in metadata.
    let euros = rex.file("euros.csv", "Deal Name,Amount,Currency\nG,9225.225,EUR\n");
    let err = imported(
        &rex,
        &["import", &euros, "--from", "hubspot", "--rate", "EUR=1.1"],
    );
    assert_eq!(
        err,
        "rex: the file has no id column: deals are known by Deal Name (--map origin=COLUMN names one)\n"
    );
    let g = rex.json(&["deal", "show", "G"]);
    assert_eq!(g["value"], 1_014_775);
    assert_eq!(
        g["metadata"],
        json!({"original_value": "9225.225", "original_currency": "EUR"})
    );
}

#[test]
fn a_date_column_settles_its_own_order_when_one_of_its_dates_can_only_be_read_one_way() {
    let rex = Rex::new();
    rex.sales();
    let map = [
        "--map",
        "name=Deal",
        "--map",
        "value=Cents",
        "--map",
        "expected_close=Due",
    ];
    // Alone, 01/05/2025 could be either: refused as today.
    let alone = rex.file("alone.csv", "Deal,Cents,Due\nA,1,01/05/2025\n");
    assert_eq!(
        rex.fails(&import(&alone, &map, &[]), 2),
        "rex: line 2: field 'Due': '01/05/2025' could be month/day or day/month; say which with --date-order mdy or dmy; nothing was imported"
    );
    // A later row's 13th settles it: month first.
    let mdy = rex.file(
        "mdy.csv",
        "Deal,Cents,Due\nA,1,01/05/2025\nB,1,01-13-2025\n",
    );
    imported(&rex, &import(&mdy, &map, &[]));
    let due: Vec<Value> = deals(&rex)
        .iter()
        .map(|d| d["expected_close"].clone())
        .collect();
    assert_eq!(due, [json!("2025-01-05"), json!("2025-01-13")]);
    // And day first, from a row before it; a profile's column too (HubSpot's Close Date).
    let rex = Rex::new();
    rex.sales();
    let dmy = rex.file(
        "dmy.csv",
        "Deal,Cents,Due\nC,1,13.01.2025\n\nD,1,01.05.2025\n",
    );
    imported(&rex, &import(&dmy, &map, &[]));
    let hubspot = rex.file(
        "hubspot.csv",
        "Deal Name,Amount,Close Date\nE,1,02/03/2025\nF,1,12/31/2025\n",
    );
    imported(&rex, &["import", &hubspot, "--from", "hubspot"]);
    let due: Vec<Value> = deals(&rex)
        .iter()
        .map(|d| d["expected_close"].clone())
        .collect();
    assert_eq!(
        due,
        [
            json!("2025-01-13"),
            json!("2025-05-01"),
            json!("2025-02-03"),
            json!("2025-12-31")
        ]
    );
    // Rows that say both are refused, naming both lines (the earlier first).
    let both = rex.file(
        "both.csv",
        "Deal,Cents,Due\nG,1,01/05/2025\nH,1,01/13/2025\nI,1,2025-01-01\nJ,1,13/01/2025\n",
    );
    assert_eq!(
        rex.fails(&import(&both, &map, &[]), 2),
        "rex: line 3 and line 5: column 'Due' writes dates in two orders ('01/13/2025' is month first, '13/01/2025' day first); correct one, or say which with --date-order mdy or dmy; nothing was imported"
    );
    // --date-order given always wins.
    assert_eq!(
        rex.fails(&import(&mdy, &map, &["--date-order", "dmy"]), 2),
        "rex: line 3: field 'Due': '01-13-2025' is not a date in the order --date-order gives; nothing was imported"
    );
}

#[test]
fn a_foreign_id_column_is_each_rows_origin_and_rex_ids_still_update_rex_deals() {
    let rex = Rex::new();
    rex.sales();
    let odoo = rex.file("odoo.csv",
        "id,Opportunity,Expected Revenue\n__export__.crm_lead_522,Odoo deal,10\n84257000004163092,Zoho deal,20\n",
    );
    let map = [
        "--map",
        "name=Opportunity",
        "--map",
        "value_dollars=Expected Revenue",
    ];
    // The dry run says where the column goes.
    let out = rex.run(&import(&odoo, &map, &["--dry-run"]));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: column 'id' → origin (the CRM's id)\nrex: column 'Opportunity' → name\nrex: column 'Expected Revenue' → value_dollars\n"
    );
    imported(&rex, &import(&odoo, &map, &[]));
    let got: Vec<(Value, Value)> = deals(&rex)
        .iter()
        .map(|d| (d["name"].clone(), d["origin"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("Odoo deal"), json!("csv:__export__.crm_lead_522")),
            (json!("Zoho deal"), json!("csv:84257000004163092"))
        ]
    );
    // Known by their origin: a second import is refused, --upsert updates.
    assert_eq!(
        rex.fails(&import(&odoo, &map, &[]), 4),
        format!(
            "rex: line 2: the deal from csv:__export__.crm_lead_522 was imported before ({}); use --upsert to update it; nothing was imported",
            s(&rex.json(&["deal", "show", "Odoo deal"])["id"])
        )
    );
    imported(&rex, &import(&odoo, &map, &["--upsert"]));
    assert_eq!(deals(&rex).len(), 2);

    // rex's own ids keep updating rex's deals.
    let id = s(&rex.json(&["deal", "show", "Odoo deal"])["id"]);
    let own = rex.file(
        "own.csv",
        &format!("ID,Opportunity,Expected Revenue\n{id},Renamed,30\n"),
    );
    imported(&rex, &import(&own, &map, &["--upsert"]));
    assert_eq!(rex.json(&["deal", "show", &id])["name"], "Renamed");
    let typo = rex.file(
        "typo.csv",
        "id,Opportunity,Expected Revenue\ndeal_nope,X,1\n",
    );
    assert!(rex
        .fails(&import(&typo, &map, &[]), 2)
        .starts_with("rex: line 2: field 'id': invalid deal id 'deal_nope'"));

    // A column holding both is refused, naming a line of each.
    let both = rex.file("both.csv",
        &format!("id,Opportunity,Expected Revenue\n,No id,1\n84257000004163092,Zoho deal,20\n{id},Renamed,30\n"),
    );
    assert_eq!(
        rex.fails(&import(&both, &map, &[]), 2),
        format!("rex: line 3 and line 4: column 'id' holds rex's deal ids ('{id}') and another system's ('84257000004163092'); import them as two files, or keep them all as origins with --map origin='id'; nothing was imported")
    );
    // Beside a column mapped to origin, one of the two would be lost.
    let two = rex.file(
        "two.csv",
        "id,Ref,Opportunity,Expected Revenue\n8425,R1,X,1\n",
    );
    assert_eq!(
        rex.fails(&import(&two, &map, &["--map", "origin=Ref"]), 2),
        "rex: line 1: columns 'id' and 'Ref' both go to origin (the CRM's id); drop one with --map -=COLUMN; nothing was imported"
    );
}

/// The stage (by name) and status of each deal, by name.
fn placed(rex: &Rex) -> Vec<(String, String, String)> {
    let pipeline = rex.json(&["pipeline", "show", "Sales"]);
    let stages = pipeline["stages"].as_array().unwrap();
    deals(rex)
        .iter()
        .map(|d| {
            let id = rex.json(&["deal", "show", &s(&d["name"])])["stage_id"].clone();
            let stage = stages.iter().find(|st| st["id"] == id).unwrap();
            (s(&d["name"]), s(&d["status"]), s(&stage["name"]))
        })
        .collect()
}

#[test]
fn won_and_lost_stages_turn_a_mapped_stage_column_into_a_status() {
    let rex = Rex::new();
    rex.sales();
    // Maven's shape: deal_stage Won, Lost, Engaging, Prospecting; a close date for closed rows.
    let maven = rex.file(
        "maven.csv",
        "opportunity_id,deal_stage,engage_date,close_date,close_value\n\
         A1,Won,10/20/2016,3/1/2017,1054\n\
         A2, lost ,10/25/2016,3/11/2017,0\n\
         A3,Qualification,10/25/2016,,\n\
         A4,WON,11/1/2016,3/13/2017,4514\n",
    );
    let map = [
        "--map",
        "name=opportunity_id",
        "--map",
        "stage_id=deal_stage",
        "--map",
        "created_at=engage_date",
        "--map",
        "closed_at=close_date",
        "--map",
        "value_dollars=close_value",
    ];
    imported(
        &rex,
        &import(
            &maven,
            &map,
            &["--won-stage", " won", "--lost-stage", "Lost"],
        ),
    );
    let t = |n: &str, st: &str, stage: &str| (n.to_string(), st.to_string(), stage.to_string());
    assert_eq!(
        placed(&rex),
        [
            t("A1", "won", "Closed"),
            t("A2", "lost", "Closed"),
            t("A3", "open", "Qualification"),
            t("A4", "won", "Closed")
        ]
    );
    let closed: Vec<Value> = deals(&rex).iter().map(|d| d["closed_at"].clone()).collect();
    assert_eq!(
        closed,
        [
            json!("2017-03-01T00:00:00Z"),
            json!("2017-03-11T00:00:00Z"),
            Value::Null,
            json!("2017-03-13T00:00:00Z")
        ]
    );

    // Refused: a value given as both, no stage column, a status that says otherwise.
    let rex = Rex::new();
    rex.sales();
    assert_eq!(
        rex.fails(&import(&maven, &map, &["--won-stage", "Won", "--lost-stage", " WON "]), 2),
        "rex: --won-stage and --lost-stage both name 'Won'; a stage means won or lost, not both; nothing was imported"
    );
    let unstaged = rex.file("unstaged.csv", "Deal,Cents\nA,1\n");
    assert_eq!(
        rex.fails(&["import", &unstaged, "--map", "name=Deal", "--map", "value=Cents", "--lost-stage", "Lost"], 2),
        "rex: --lost-stage names values of the stage column, but no column is the stage; map one with --map stage_id=COLUMN; nothing was imported"
    );
    let status = rex.file(
        "status.csv",
        "Deal,Cents,Stage,State\nA,1,Won,won\nB,1,Qualification,open\nC,1,won,Open\n",
    );
    let with_status = [
        "--map",
        "name=Deal",
        "--map",
        "value=Cents",
        "--map",
        "stage_id=Stage",
        "--map",
        "status=State",
        "--won-stage",
        "won",
    ];
    assert_eq!(
        rex.fails(&import(&status, &with_status, &[]), 2),
        "rex: line 4: field 'Stage': 'won' means won, but column 'State' says it is open; make them agree or drop one column; nothing was imported"
    );
    // The profiles' own outcome stages are held to the same rule.
    let hubspot = rex.file(
        "hubspot.csv",
        "Deal Name,Amount,Deal Stage,Status\nA,1,Closed Won,lost\n",
    );
    assert_eq!(
        rex.fails(&["import", &hubspot, "--from", "hubspot", "--keep-unknown", "--map", "status=Status"], 2),
        "rex: line 2: field 'Deal Stage': 'Closed Won' means won, but column 'Status' says it is lost; make them agree or drop one column; nothing was imported"
    );
    let loader = rex.file("loader.csv",
        "Name,StageName,Amount,IsClosed,IsWon\nA,Closed Won,1,true,true\nB,Closed Won,1,true,false\n",
    );
    assert_eq!(
        rex.fails(&["import", &loader, "--from", "salesforce-loader"], 2),
        "rex: line 3: field 'StageName': 'Closed Won' means won, but column 'IsWon' says it is lost; make them agree or drop one column; nothing was imported"
    );
}

#[test]
fn a_column_mapped_twice_is_refused_naming_it_however_it_is_spelled() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("twice.csv", "Deal,Cents,Person\nA,1,Ana\n");
    let base = ["--map", "value=Cents", "--map", "name=Person"];
    for spelled in ["Person", " Person ", "person", " PERSON"] {
        let again = format!("contact_id={spelled}");
        assert_eq!(
            rex.fails(&import(&path, &base, &["--map", &again, "--map", "-=Deal"]), 2),
            format!("rex: --map '{again}': column 'Person' is already mapped (to name); map each column once")
        );
    }
    // Spelled in another case, a column is still found.
    imported(
        &rex,
        &import(
            &path,
            &[
                "--map",
                "value=cents",
                "--map",
                "name= DEAL",
                "--map",
                "owner_id=person",
            ],
            &[],
        ),
    );
    assert_eq!(rex.json(&["deal", "show", "A"])["owner_id"], "Ana");
}

#[test]
fn columns_whose_headers_read_as_one_metadata_key_keep_every_value() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("loader.csv",
        "Name,StageName,Amount,CurrencyIsoCode,Budget_Confirmed__c,BudgetConfirmed__c,budget confirmed c,Original Value\n\
         A,Qualification,10,EUR,yes,no,maybe,9\n",
    );
    let args = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--rate",
        "EUR=1.5",
    ];
    // The dry run says where each goes, and which column holds the readable key.
    let out = rex.run(&[&args[..], &["--dry-run"]].concat());
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "rex: column 'Budget_Confirmed__c' → metadata.budget_confirmed_c\n",
        "rex: column 'BudgetConfirmed__c' → metadata.BudgetConfirmed__c (metadata.budget_confirmed_c is column 'Budget_Confirmed__c')\n",
        "rex: column 'budget confirmed c' → metadata.budget confirmed c (metadata.budget_confirmed_c is column 'Budget_Confirmed__c')\n",
        "rex: column 'Original Value' → metadata.Original Value (metadata.original_value is the converted amount's original)\n",
    ] {
        assert!(err.contains(line), "{line} not in {err}");
    }
    imported(&rex, &args);
    assert_eq!(
        deals(&rex)[0]["metadata"],
        json!({
            "budget_confirmed_c": "yes", "BudgetConfirmed__c": "no", "budget confirmed c": "maybe",
            "Original Value": "9", "original_value": "10", "original_currency": "EUR",
        })
    );

    // A key given with --map is the mapped column's; a kept column that reads alike moves.
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("kept.csv", "Deal,Cents,Region,Area\nA,1,EMEA,North\n");
    let map = [
        "--map",
        "name=Deal",
        "--map",
        "value=Cents",
        "--map",
        "metadata.region=Area",
        "--keep-unknown",
    ];
    imported(&rex, &import(&path, &map, &[]));
    assert_eq!(
        deals(&rex)[0]["metadata"],
        json!({"region": "North", "Region": "EMEA"})
    );

    // A kept column and a key of the metadata column: the same value is one, two are refused.
    let both = rex.file("both.csv",
        "name,value,metadata,Region\nB,1,\"{\"\"region\"\":\"\"EMEA\"\"}\",EMEA\nC,1,\"{\"\"region\"\":\"\"APAC\"\"}\",EMEA\n",
    );
    assert_eq!(
        rex.fails(&["import", &both, "--keep-unknown"], 2),
        "rex: line 3: field 'metadata': key 'region' is \"APAC\" there and \"EMEA\" in column 'Region'; keep the column under another key with --map metadata.KEY='Region', or drop one; nothing was imported"
    );
    imported(
        &rex,
        &[
            "import",
            &both,
            "--keep-unknown",
            "--map",
            "metadata.area=Region",
        ],
    );
    assert_eq!(
        rex.json(&["deal", "show", "C"])["metadata"],
        json!({"region": "APAC", "area": "EMEA"})
    );
}

#[test]
fn a_file_without_a_name_column_is_refused_at_its_header_and_an_empty_name_names_its_column() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    // Twenty's own test export: an id and an amount, no name.
    let twenty = rex.file(
        "twenty.csv",
        "\u{feff}Id,Amount / Amount,Amount / Currency,Company Id\n1,,,\n2,1.5,EUR,company-1\n",
    );
    assert_eq!(
        rex.fails(&["import", &twenty, "--from", "twenty"], 2),
        "rex: line 1: no column is the deal's name (the file has 'Id', 'Amount / Amount', \
         'Amount / Currency', 'Company Id'); say which with --map name=COLUMN; nothing was imported"
    );
    let wide = rex.file("wide.csv", "a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n");
    assert_eq!(
        rex.fails(
            &[
                "import",
                &wide,
                "--map",
                "value_dollars=a",
                "--keep-unknown"
            ],
            2
        ),
        "rex: line 1: no column is the deal's name (the file has 'a', 'b', 'c', 'd', 'e', 'f', \
         and 2 more); say which with --map name=COLUMN; nothing was imported"
    );
    // Maven's pipeline: the account named as the deal is empty on some rows.
    let maven = rex.file(
        "maven.csv",
        "opportunity_id,account,deal_stage\nA1,Cancity,Won\nB2,,Prospecting\n",
    );
    let map = [
        "--map",
        "name=account",
        "--map",
        "stage_id=deal_stage",
        "--keep-unknown",
    ];
    assert_eq!(
        rex.fails(&import(&maven, &map, &["--create-stages"]), 2),
        "rex: line 3: column 'account' is empty, and every deal needs a name; fill it in, or \
         name deals by another column with --map name=COLUMN; nothing was imported"
    );
    // Named by the id, the same file imports.
    let by_id = [
        "--map",
        "name=opportunity_id",
        "--map",
        "stage_id=deal_stage",
        "--map",
        "contact_id=account",
    ];
    imported(
        &rex,
        &import(&maven, &by_id, &["--create-stages", "--won-stage", "won"]),
    );
    let names: Vec<(String, String)> = deals(&rex)
        .iter()
        .map(|d| (s(&d["name"]), s(&d["status"])))
        .collect();
    assert_eq!(
        names,
        [
            ("A1".to_string(), "won".to_string()),
            ("B2".into(), "open".into())
        ]
    );
}

#[test]
fn an_upsert_keeps_the_metadata_of_columns_the_file_does_not_have_or_leaves_empty() {
    let rex = Rex::new();
    let first = rex.file(
        "first.csv",
        "Deal ID,Deal Name,Amount,Deal Type,Company Domain,Currency\n\
         1,A,10,New Business,a.example,\n2,B,20,Renewal,b.example,EUR\n",
    );
    imported(
        &rex,
        &[
            "import",
            &first,
            "--from",
            "hubspot",
            "--create-stages",
            "--rate",
            "EUR=1.5",
        ],
    );
    // The next export has no Deal Type column, an empty domain for A, a new domain for B,
    // which is now in dollars.
    let next = rex.file(
        "next.csv",
        "Deal ID,Deal Name,Amount,Company Domain\n1,A,10,\n2,B,25,b2.example\n",
    );
    imported(&rex, &["import", &next, "--from", "hubspot", "--upsert"]);
    let got: Vec<(String, i64, Value)> = deals(&rex)
        .iter()
        .map(|d| {
            (
                s(&d["name"]),
                d["value"].as_i64().unwrap(),
                d["metadata"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "A".to_string(),
                1000,
                json!({"company_domain": "a.example", "deal_type": "New Business"})
            ),
            (
                "B".to_string(),
                2500,
                json!({"company_domain": "b2.example", "deal_type": "Renewal"})
            ),
        ]
    );
    // What changed is what history says: B's value, domain and conversion, nothing of A.
    let changed = |deal: &str| -> Vec<(String, Value, Value)> {
        rex.json(&["deal", "history", deal])
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "updated")
            .map(|e| (s(&e["field"]), e["old"].clone(), e["new"].clone()))
            .collect()
    };
    assert_eq!(changed("A"), []);
    assert_eq!(
        changed("B"),
        [
            ("value".to_string(), json!(3000), json!(2500)),
            (
                "metadata.company_domain".into(),
                json!("b.example"),
                json!("b2.example")
            ),
            (
                "metadata.original_currency".into(),
                json!("EUR"),
                Value::Null
            ),
            ("metadata.original_value".into(), json!("20"), Value::Null),
        ]
    );
}

#[test]
fn a_won_or_lost_stage_no_row_says_is_refused_naming_the_columns_values() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    let path = rex.file(
        "ws.csv",
        "deal,stage,amount\nA,Prospecting,1\nB,Won,2\nC,Lost,3\n",
    );
    let map = [
        "--map",
        "name=deal",
        "--map",
        "stage_id=stage",
        "--map",
        "value_dollars=amount",
    ];
    assert_eq!(
        rex.fails(&import(&path, &map, &["--won-stage", "Wonn", "--lost-stage", "Lost", "--create-stages"]), 2),
        "rex: --won-stage 'wonn': no row of column 'stage' says it (it holds 'Prospecting', 'Won', \
         'Lost'); nothing was imported"
    );
    assert_eq!(
        rex.fails(&import(&path, &map, &["--won-stage", "won", "--lost-stage", "Lostt", "--dry-run"]), 2),
        "rex: --lost-stage 'lostt': no row of column 'stage' says it (it holds 'Prospecting', 'Won', \
         'Lost'); nothing was imported"
    );
    imported(
        &rex,
        &import(
            &path,
            &map,
            &[
                "--won-stage",
                " WON ",
                "--lost-stage",
                "lost",
                "--create-stages",
            ],
        ),
    );
    let got: Vec<String> = deals(&rex).iter().map(|d| s(&d["status"])).collect();
    assert_eq!(got, ["open", "won", "lost"]);
}

#[test]
fn an_empty_file_and_a_rate_for_dollars_are_refused_saying_why() {
    let rex = Rex::new();
    rex.ok(&["pipeline", "create", "Sales"]);
    for (name, text) in [("empty.csv", ""), ("bom.csv", "\u{feff}")] {
        let path = rex.file(name, text);
        assert_eq!(
            rex.fails(&["import", &path, "--from", "hubspot"], 2),
            "rex: line 1: the file has no header; a CSV starts with a line naming its columns; \
             nothing was imported"
        );
    }
    let path = rex.file("deals.csv", "Deal Name,Amount,Currency\nA,1,USD\n");
    assert_eq!(
        rex.fails(
            &["import", &path, "--from", "hubspot", "--rate", "usd=2"],
            2
        ),
        "rex: --rate 'usd=2': rex keeps dollars, so dollars need no rate; give rates of other \
         currencies only"
    );
}
