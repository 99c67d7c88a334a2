//! Importing the deal exports of the CRMs people leave, as they come out of them.

use serde_json::{json, Value};

use crate::support::{deals_by_name, s, Rex};

/// The deals, sorted by name, with the fields a migration must get right.
fn deals(rex: &Rex) -> Vec<Value> {
    deals_by_name(rex, |d, stage| {
        json!({
            "name": d["name"], "value": d["value"], "status": d["status"],
            "stage": stage, "owner_id": d["owner_id"],
            "contact_id": d["contact_id"], "expected_close": d["expected_close"],
            "created_at": d["created_at"], "closed_at": d["closed_at"],
            "close_reason": d["close_reason"], "probability": d["probability"],
            "metadata": d["metadata"],
        })
    })
}

/// Where each deal came from (its `origin`), in the order of [`deals`].
fn origins(rex: &Rex) -> Vec<String> {
    let mut out: Vec<(String, String)> = rex
        .json(&["deal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (s(&d["name"]), s(&d["origin"])))
        .collect();
    out.sort();
    out.into_iter().map(|(_, origin)| origin).collect()
}

const PIPEDRIVE: &str = "\
Deal - ID,Deal - Title,Deal - Creator,Deal - Owner,Deal - Value,Deal - Currency of Value,Deal - Weighted value,Deal - Currency of Weighted value,Deal - Probability,Deal - Organization,Deal - Pipeline,Deal - Contact person,Deal - Stage,Deal - Label,Deal - Status,Deal - Deal created,Deal - Update time,Deal - Last stage change,Deal - Expected close date,Deal - Won time,Deal - Lost time,Deal - Deal closed on,Deal - Lost reason
101,\"Acme, Inc. - Annual
  plan\",Ana Admin,Ana Seller,15000,USD,7500,USD,50,Acme Inc,Pipeline,Wile E. Coyote,Proposal Made,Hot,Open,2025-01-10 09:30:00,2025-02-01 10:00:00,2025-02-01 10:00:00,2025-03-31,,,,
102,Globex renewal,Ana Admin,Bo Seller,2000.50,EUR,,,,Globex,Pipeline,Hank,Qualified,,Won,2025-01-05 08:00:00,2025-01-20 12:00:00,,,2025-01-20 12:00:00,,2025-01-20 12:00:00,
103,Initech,Ana Admin,Bo Seller,500000,JPY,,,,Initech,Pipeline,,Demo Scheduled,Cold,Lost,2025-01-06 08:00:00,2025-01-25 12:00:00,,,,2025-01-25 12:00:00,2025-01-25 12:00:00,Price too high
";

#[test]
fn a_pipedrive_export_imports_with_rates_and_created_stages() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = rex.file("deals.csv", PIPEDRIVE);
    // Without the pipeline, or without rates: refused, nothing written.
    assert_eq!(
        rex.fails(&["import", &path, "--from", "pipedrive"], 3),
        "rex: line 2: field 'pipeline_id': no pipeline 'Pipeline'; nothing was imported"
    );
    assert_eq!(
        rex.fails(&["import", &path, "--from", "pipedrive", "--create-stages"], 2),
        "rex: line 4: the value is in EUR, not dollars; give its rate, like --rate EUR=1.0825; nothing was imported"
    );
    let args = [
        "import",
        &path,
        "--from",
        "pipedrive",
        "--create-stages",
        "--rate",
        "EUR=1.0825",
        "--rate",
        "jpy=0.0067",
    ];
    assert_eq!(
        rex.json(&args),
        json!({"pipelines": 1, "deals": 3, "events": 0, "dry_run": false, "activities": 0})
    );
    // Pipedrive's default order, of the stages the file names.
    let p = rex.json(&["pipeline", "show", "Pipeline"]);
    let names: Vec<String> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| s(&st["name"]))
        .collect();
    assert_eq!(names, ["Qualified", "Demo Scheduled", "Proposal Made"]);
    assert_eq!(
        deals(&rex),
        vec![
            json!({"name": "Acme, Inc. - Annual plan", "value": 1500000, "status": "open",
                   "stage": "Pipeline/Proposal Made", "owner_id": "Ana Seller", "contact_id": "Wile E. Coyote",
                   "expected_close": "2025-03-31", "created_at": "2025-01-10T09:30:00Z", "closed_at": null,
                   "close_reason": null, "probability": 50,
                   "metadata": {"creator": "Ana Admin", "currency_of_weighted_value": "USD", "label": "Hot",
                                "organization": "Acme Inc", "weighted_value": "7500"}}),
            // 2,000.50 EUR at 1.0825 is $2,165.54125: $2,165.54.
            json!({"name": "Globex renewal", "value": 216554, "status": "won",
                   "stage": "Pipeline/Qualified", "owner_id": "Bo Seller", "contact_id": "Hank",
                   "expected_close": null, "created_at": "2025-01-05T08:00:00Z", "closed_at": "2025-01-20T12:00:00Z",
                   "close_reason": null, "probability": null,
                   "metadata": {"creator": "Ana Admin", "organization": "Globex", "original_currency": "EUR",
                                "original_value": "2000.50"}}),
            // 500,000 yen (no minor unit) at 0.0067 is $3,350.00.
            json!({"name": "Initech", "value": 335000, "status": "lost",
                   "stage": "Pipeline/Demo Scheduled", "owner_id": "Bo Seller", "contact_id": null,
                   "expected_close": null, "created_at": "2025-01-06T08:00:00Z", "closed_at": "2025-01-25T12:00:00Z",
                   "close_reason": "Price too high", "probability": null,
                   "metadata": {"creator": "Ana Admin", "label": "Cold", "organization": "Initech",
                                "original_currency": "JPY", "original_value": "500000"}}),
        ]
    );
    assert_eq!(
        origins(&rex),
        ["pipedrive:101", "pipedrive:102", "pipedrive:103"]
    );
    // The same export again: refused by origin; --upsert updates the same deals.
    let line = rex.fails(&args, 4);
    assert!(
        line.starts_with("rex: line 2: the deal from pipedrive:101 was imported before (deal_"),
        "{line}"
    );
    let changed = rex.file(
        "changed.csv",
        &PIPEDRIVE.replace(",15000,USD,", ",16000,USD,"),
    );
    let mut upsert: Vec<&str> = args.to_vec();
    upsert[1] = &changed;
    upsert.push("--upsert");
    rex.ok(&upsert);
    let after = deals(&rex);
    assert_eq!(after.len(), 3);
    assert_eq!(after[0]["value"], 1600000);
    let acme = rex.json(&["deal", "show", "Acme"]);
    let history = rex.json(&["deal", "history", &s(&acme["id"])]);
    assert_eq!(
        history.as_array().unwrap().last().unwrap()["field"],
        "value"
    );
}

#[test]
fn a_hubspot_export_takes_outcomes_from_its_stages() {
    let rex = Rex::new();
    rex.ok(&[
        "pipeline",
        "create",
        "Sales Pipeline",
        "--stage",
        "Appointment Scheduled",
        "--stage",
        "Contract Sent",
    ]);
    let path = rex.file("hubspot.csv",
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Currency,Amount in company currency,Pipeline,Create Date,Deal Type,Deal probability\n\
         9001,Big\tCo,Contract Sent,2025-07-15,ana@example.com,12500,USD,12500,Sales Pipeline,2025-05-01 10:00,newbusiness,0.9\n\
         9002,Won Co,Closed Won,2025-06-30 14:00,bo@example.com,4000.5,USD,4000.5,Sales Pipeline,2025-04-01 10:00,existingbusiness,1\n\
         9003,Lost Co,Closed Lost,2025-06-01,bo@example.com,,USD,,Sales Pipeline,2025-04-02 10:00,,0\n",
    );
    // The deal without an amount is $0.00, and the import says so.
    let out = rex.run(&["import", &path, "--from", "hubspot"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: 1 deal had no amount: imported as $0.00\n"
    );
    let got = deals(&rex);
    assert_eq!(
        got[0],
        json!({"name": "Big Co", "value": 1250000, "status": "open", "stage": "Sales Pipeline/Contract Sent",
               "owner_id": "ana@example.com", "contact_id": null, "expected_close": "2025-07-15",
               "created_at": "2025-05-01T10:00:00Z", "closed_at": null, "close_reason": null, "probability": 90,
               "metadata": {"amount_in_company_currency": "12500", "deal_type": "newbusiness"}})
    );
    assert_eq!(origins(&rex)[0], "hubspot:9001");
    // Closed Won and Closed Lost are outcomes, not stages: the pipeline's last stage.
    assert_eq!(got[1]["name"], "Lost Co");
    assert_eq!(got[1]["status"], "lost");
    assert_eq!(got[1]["stage"], "Sales Pipeline/Contract Sent");
    assert_eq!(got[1]["closed_at"], "2025-06-01T00:00:00Z");
    assert_eq!(got[2]["status"], "won");
    assert_eq!(got[2]["value"], 400050);
    assert_eq!(got[2]["closed_at"], "2025-06-30T14:00:00Z");
    assert_eq!(got[2]["probability"], 100);
}

#[test]
fn a_salesforce_report_skips_its_footer_and_needs_a_date_order() {
    let rex = Rex::new();
    let report = "\"Opportunity Owner\",\"Account Name\",\"Opportunity Name\",\"Stage\",\"Amount Currency\",\"Amount\",\"Probability (%)\",\"Close Date\",\"Created Date\"\n\
        \"Ana Rep\",\"Acme\",\"Acme - 500 seats\",\"Proposal/Price Quote\",\"USD\",\"48,000.00\",\"75\",\"6/30/2025\",\"1/5/2025\"\n\
        \"Bo Rep\",\"Globex\",\"Globex, expansion\",\"Closed Won\",\"USD\",\"1,250.50\",\"100\",\"5/4/2025\",\"2/1/2025\"\n\
        \"Bo Rep\",\"Initech\",\"Initech\",\"Prospecting\",\"USD\",\"900.00\",\"10\",\"7/13/2025\",\"3/3/2025\"\n\
        \n\
        \"Grand Totals (3 records)\"\n\
        \"\",\"\",\"\",\"\",\"\",\"50,150.50\"\n\
        \"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.\"\n\
        \"Confidential Information - Do Not Distribute\"\n";
    let path = rex.file("report.csv", report);
    rex.ok(&["info"]);
    // Close Date's 6/30 settles its own column's order; nothing settles Created Date's.
    let line = rex.fails(
        &["import", &path, "--from", "salesforce", "--create-stages"],
        2,
    );
    assert_eq!(
        line,
        "rex: line 2: field 'Created Date': '1/5/2025' could be month/day or day/month; say which with --date-order mdy or dmy; nothing was imported"
    );
    rex.ok(&[
        "import",
        &path,
        "--from",
        "salesforce",
        "--create-stages",
        "--date-order",
        "mdy",
    ]);
    let got = deals(&rex);
    assert_eq!(got.len(), 3);
    let names: Vec<String> = got.iter().map(|d| s(&d["name"])).collect();
    assert_eq!(names, ["Acme - 500 seats", "Globex, expansion", "Initech"]);
    assert_eq!(got[0]["value"], 4800000);
    assert_eq!(got[0]["expected_close"], "2025-06-30");
    assert_eq!(got[0]["created_at"], "2025-01-05T00:00:00Z");
    assert_eq!(got[0]["probability"], 75);
    assert_eq!(got[0]["metadata"], json!({"account_name": "Acme"}));
    assert_eq!(got[1]["status"], "won");
    assert_eq!(got[1]["closed_at"], "2025-05-04T00:00:00Z");
    assert_eq!(got[1]["value"], 125050);
    // Salesforce's default order for the stages the file names; the won deal in the last.
    let p = rex.json(&["pipeline", "show", "Sales Pipeline"]);
    let stages: Vec<String> = p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| s(&st["name"]))
        .collect();
    assert_eq!(stages, ["Prospecting", "Proposal/Price Quote"]);
    assert_eq!(got[1]["stage"], "Sales Pipeline/Proposal/Price Quote");
}

#[test]
fn salesforce_data_loader_and_twenty_exports_import() {
    let rex = Rex::new();
    rex.sales();
    let loader = rex.file("opportunities.csv",
        "Id,Name,AccountId,StageName,Amount,CurrencyIsoCode,Probability,CloseDate,OwnerId,IsClosed,IsWon,CreatedDate,ForecastCategoryName\n\
         0066g00000AbCdEAAA,Loader open,0016g000001,Proposal,1000,USD,50,2025-08-01,0056g000002,false,false,2025-01-05T09:00:00.000+0000,Pipeline\n\
         0066g00000AbCdFAAA,Loader lost,0016g000001,Negotiation,2000,USD,0,2025-03-01,0056g000002,true,false,2025-01-06T09:00:00.000Z,Omitted\n",
    );
    rex.ok(&[
        "import",
        &loader,
        "--from",
        "salesforce-loader",
        "--pipeline",
        "Sales",
    ]);
    let got = deals(&rex);
    assert_eq!(got[0]["status"], "lost");
    assert_eq!(got[0]["stage"], "Sales/Negotiation");
    assert_eq!(got[0]["closed_at"], "2025-03-01T00:00:00Z");
    assert_eq!(got[1]["status"], "open");
    assert_eq!(got[1]["created_at"], "2025-01-05T09:00:00Z");
    assert_eq!(got[1]["owner_id"], "0056g000002");
    assert_eq!(
        got[1]["metadata"],
        json!({"account_id": "0016g000001", "forecast_category_name": "Pipeline"})
    );
    assert_eq!(origins(&rex)[1], "salesforce-loader:0066g00000AbCdEAAA");
    let twenty = Rex::new();
    twenty.ok(&["info"]);
    let path = twenty.file("twenty.csv",
        "\u{feff}Id,Name,Amount / Amount,Amount / Currency,Created by / Name,Close date,Company Id,Point of Contact Id,Stage\n\
         7c1a,Twenty deal,2500000,JPY,Tim,2025-09-30,c-1,p-1,MEETING\n\
         7c1b,Twenty customer,100,USD,Tim,2025-04-01,c-2,,CUSTOMER\n",
    );
    let line = twenty.fails(&["import", &path, "--from", "twenty", "--create-stages"], 2);
    assert!(line.contains("the value is in JPY, not dollars"), "{line}");
    twenty.ok(&[
        "import",
        &path,
        "--from",
        "twenty",
        "--create-stages",
        "--rate",
        "JPY=0.0067",
    ]);
    let got = deals(&twenty);
    assert_eq!(got[0]["name"], "Twenty customer");
    assert_eq!(got[0]["status"], "won");
    assert_eq!(got[0]["stage"], "Sales Pipeline/MEETING");
    assert_eq!(got[1]["value"], 1675000);
    assert_eq!(got[1]["contact_id"], "p-1");
    assert_eq!(got[1]["expected_close"], "2025-09-30");
    assert_eq!(
        got[1]["metadata"],
        json!({"company_id": "c-1", "created_by_name": "Tim", "original_currency": "JPY", "original_value": "2500000"})
    );
    assert_eq!(origins(&twenty)[1], "twenty:7c1a");
}

#[test]
fn any_csv_maps_its_columns_and_refuses_what_it_does_not_know() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("leads.csv",
        "Opportunity,Amount (USD),Rep,Region,Junk\nAcme,\"1,500.00\",ana,EMEA,x\nGlobex,20,bo,APAC,y\n",
    );
    let before = rex.snapshot();
    assert_eq!(
        rex.fails(&["import", &path, "--map", "name=Opportunity", "--map", "value_dollars=Amount (USD)"], 2),
        "rex: line 1: column 'Rep' is not a field rex knows; map it with --map FIELD='Rep', drop it with --map -='Rep', or keep it in metadata with --keep-unknown; nothing was imported"
    );
    assert_eq!(rex.snapshot(), before);
    assert!(rex
        .fails(&["import", &path, "--map", "title=Opportunity"], 2)
        .contains("'title' is not a field rex imports"));
    rex.ok(&[
        "import",
        &path,
        "--map",
        "name=Opportunity",
        "--map",
        "value_dollars=Amount (USD)",
        "--map",
        "owner_id=Rep",
        "--map",
        "-=Junk",
        "--keep-unknown",
    ]);
    let got = deals(&rex);
    assert_eq!(got[0]["name"], "Acme");
    assert_eq!(got[0]["value"], 150000);
    assert_eq!(got[0]["owner_id"], "ana");
    assert_eq!(got[0]["metadata"], json!({"region": "EMEA"}));
    // Headers named like rex's fields match ignoring case and spaces; statuses too.
    let own = rex.file("own.csv", "Name , VALUE,Status\nWon one,5,WON\n");
    rex.ok(&["import", &own, "--keep-unknown"]);
    assert_eq!(rex.json(&["deal", "show", "Won one"])["status"], "won");
    // A dry run says where each column goes, then the counts. (Into an empty pipeline: the
    // deals imported above are known by their names, so importing them again is refused.)
    let rex = Rex::new();
    rex.sales();
    let out = rex.run(&[
        "import",
        &path,
        "--map",
        "name=Opportunity",
        "--map",
        "value_dollars=Amount (USD)",
        "--keep-unknown",
        "--dry-run",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rex: column 'Opportunity' → name\n"), "{err}");
    assert!(
        err.contains("rex: column 'Region' → metadata.region\n"),
        "{err}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\t2\t0\ttrue\t0\n");
}

#[test]
fn csv_errors_name_the_files_own_line() {
    let rex = Rex::new();
    rex.sales();
    for (text, line) in [
        ("name,value\n\nA,1\n\n\nB,lots\n", 6),
        ("name,value\r\n\r\nA,1\r\n\r\nB,lots\r\n", 5),
        ("name,value\nA,1\n\"two, parts\",2\nB,lots\n", 4),
    ] {
        let path = rex.file("bad.csv", text);
        assert_eq!(
            rex.fails(&["import", &path], 2),
            format!("rex: line {line}: field 'value': expected a whole number, got 'lots'; nothing was imported")
        );
    }
}

#[test]
fn a_metadata_column_is_read_as_strictly_as_any_import_and_joins_the_kept_columns() {
    let rex = Rex::new();
    rex.sales();
    for (text, refusal) in [
        (
            "nope",
            "rex: line 2: field 'metadata': not valid JSON (expected ident at line 1 column 2); nothing was imported",
        ),
        (
            "\"{\"\"a\"\":1,\"\"a\"\":2}\"",
            "rex: line 2: field 'metadata.a' is given twice; give each key once; nothing was imported",
        ),
        (
            "[1]",
            "rex: line 2: field 'metadata': expected an object, got [1]; nothing was imported",
        ),
    ] {
        let path = rex.file("kept.csv",
            &format!("name,value,metadata,Region\nAcme,100,{text},EMEA\n"),
        );
        // Translated (--keep-unknown) or read as rex's own CSV, the refusal is the same.
        assert_eq!(rex.fails(&["import", &path, "--keep-unknown"], 2), refusal);
        let plain = rex.file("plain.csv", &format!("name,value,metadata\nAcme,100,{text}\n"));
        assert_eq!(rex.fails(&["import", &plain], 2), refusal);
    }
    let path = rex.file(
        "kept.csv",
        "name,value,metadata,Region\nAcme,100,\"{\"\"a\"\":1}\",EMEA\n",
    );
    rex.ok(&["import", &path, "--keep-unknown"]);
    assert_eq!(
        deals(&rex)[0]["metadata"],
        json!({"a": 1, "region": "EMEA"})
    );
}

#[test]
fn hubspot_headers_match_ignoring_case_and_punctuation_by_export_or_internal_name() {
    let rex = Rex::new();
    // An export's headers in another case (Deal ID, Deal Owner, Closed Lost Reason) and
    // HubSpot's internal names, both recognised; a second import of either is refused.
    for (name, text, line) in [
        (
            "export.csv",
            "Deal ID,Deal Name,Deal Stage,Amount,Deal Owner,Closed Lost Reason\nD-1,Acme,Closed Lost,100,ana@example.com,Price\n",
            "rex: line 2: the deal from hubspot:D-1 was imported before",
        ),
        (
            "internal.csv",
            "hs_object_id,dealname,dealstage,amount,hubspot_owner_id,closedate\n42,Globex,closedwon,200,bo@example.com,2026-02-27\n",
            "rex: line 2: the deal from hubspot:42 was imported before",
        ),
    ] {
        let path = rex.file(name, text);
        let args = ["import", &path, "--from", "hubspot", "--create-stages"];
        rex.ok(&args);
        let refused = rex.fails(&args, 4);
        assert!(refused.starts_with(line), "{refused}");
    }
    let got: Vec<Value> = deals(&rex)
        .iter()
        .map(|d| json!([d["name"], d["status"], d["owner_id"], d["close_reason"]]))
        .collect();
    assert_eq!(
        got,
        [
            json!(["Acme", "lost", "ana@example.com", "Price"]),
            json!(["Globex", "won", "bo@example.com", null]),
        ]
    );
    assert_eq!(origins(&rex), ["hubspot:D-1", "hubspot:42"]);
}

#[test]
fn a_crm_deal_without_an_amount_is_imported_as_zero_and_counted() {
    let rex = Rex::new();
    rex.sales();
    let mut text = String::from("Record ID,Deal Name,Amount\n1,Priced,100\n");
    for i in 2..=1043 {
        text.push_str(&format!("{i},Lead {i},\n"));
    }
    let path = rex.file("hubspot.csv", &text);
    let out = rex
        .cmd()
        .args([
            "import",
            &path,
            "--from",
            "hubspot",
            "--pipeline",
            "Sales",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rex: 1,042 deals had no amount: imported as $0.00\n"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["deals"], 1043);
    assert_eq!(rex.json(&["deal", "show", "Lead 2"])["value"], 0);
    assert_eq!(rex.json(&["deal", "show", "Priced"])["value"], 10000);
    // An upsert whose row has no amount keeps the deal's value, and counts nothing.
    let again = rex.file("again.csv", "Record ID,Deal Name,Amount\n1,Priced,\n");
    let out = rex
        .cmd()
        .args([
            "import",
            &again,
            "--from",
            "hubspot",
            "--pipeline",
            "Sales",
            "--upsert",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(rex.json(&["deal", "show", "Priced"])["value"], 10000);
    assert_eq!(
        rex.json(&["deal", "history", "Priced"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // With --map, and without any amount column at all; one deal is "deal".
    let path = rex.file("mapped.csv", "title,ref\nMapped,M1\n");
    let out = rex
        .cmd()
        .args([
            "import",
            &path,
            "--map",
            "name=title",
            "--map",
            "origin=ref",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("rex: 1 deal had no amount: would be imported as $0.00\n"),
        "{stderr}"
    );
    // rex's own format keeps value required.
    let own = rex.file("own.csv", "name,value\nOwn,\n");
    assert_eq!(
        rex.fails(&["import", &own], 2),
        "rex: line 2: field 'value': it is missing (give value in cents or value_dollars); nothing was imported"
    );
}

#[test]
fn an_upsert_keeps_what_its_file_does_not_give() {
    let rex = Rex::new();
    rex.sales();
    let full = rex.file("full.csv",
        "Record ID,Deal Name,Amount,Deal Owner,Close Date,Deal Stage,Closed Lost Reason,Deal Type\n\
         1,Kept,100,ana@example.com,2026-05-01,Closed Lost,price,new\n\
         2,Open one,200,bo@example.com,2026-06-01,Qualification,,renewal\n",
    );
    rex.ok(&["import", &full, "--from", "hubspot", "--pipeline", "Sales"]);
    let before = deals(&rex);
    // The same deals from a file with only their ids, names and stages: nothing else moves,
    // and nothing is recorded.
    let thin = rex.file(
        "thin.csv",
        "Record ID,Deal Name,Deal Stage\n1,Kept,Closed Lost\n2,Open one,Qualification\n",
    );
    let out = rex
        .cmd()
        .args([
            "import",
            &thin,
            "--from",
            "hubspot",
            "--pipeline",
            "Sales",
            "--upsert",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(deals(&rex), before);
    for name in ["Kept", "Open one"] {
        assert_eq!(
            rex.json(&["deal", "history", name])
                .as_array()
                .unwrap()
                .len(),
            if name == "Kept" { 2 } else { 1 },
            "{name}"
        );
    }
}

#[test]
fn a_mapped_column_beside_the_profiles_own_for_one_field_is_refused() {
    let rex = Rex::new();
    rex.sales();
    let path = rex.file("q.csv",
        "Deal Name,Amount,Other,Close Date,When,Deal probability,Chance\nA,100,300,2026-01-01,2026-09-09,0.2,70\n",
    );
    for (map, line) in [
        ("value=Other", "rex: line 1: columns 'Amount' and 'Other' both go to value; drop one with --map -=COLUMN; nothing was imported"),
        ("value_dollars=Other", "rex: line 1: columns 'Amount' and 'Other' both go to value_dollars; drop one with --map -=COLUMN; nothing was imported"),
        ("closed_at=When", "rex: line 1: columns 'Close Date' and 'When' both go to closed_at; drop one with --map -=COLUMN; nothing was imported"),
        ("probability=Chance", "rex: line 1: columns 'Deal probability' and 'Chance' both go to probability; drop one with --map -=COLUMN; nothing was imported"),
    ] {
        assert_eq!(
            rex.fails(&["import", &path, "--from", "hubspot", "--pipeline", "Sales", "--map", map], 2),
            line,
            "{map}"
        );
    }
}
