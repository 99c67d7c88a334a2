//! Reading an import's text as Excel and other CRMs write it: encodings (Windows-1252,
//! UTF-16 with a byte order mark), semicolon- and tab-separated CSV, and rex's own CSV
//! headers in any case. The fixtures are bytes written here, in the shapes of real exports.

use serde_json::{json, Value};

use crate::support::{s, Rex};

fn bytes(rex: &Rex, name: &str, content: &[u8]) -> String {
    let path = rex.dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_string()
}

/// Text in UTF-16 (little or big endian), with its byte order mark.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// Each deal's name, value in cents, status and stage's name, sorted by name (as bytes).
fn deals(rex: &Rex) -> Vec<Value> {
    let mut stage_names = std::collections::HashMap::new();
    for p in rex.json(&["pipeline", "list"]).as_array().unwrap() {
        let shown = rex.json(&["pipeline", "show", &s(&p["id"])]);
        for st in shown["stages"].as_array().unwrap() {
            stage_names.insert(s(&st["id"]), s(&st["name"]));
        }
    }
    let mut out: Vec<Value> = rex
        .json(&["deal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!({
                "name": d["name"], "value": d["value"], "status": d["status"],
                "stage": stage_names[&s(&d["stage_id"])],
            })
        })
        .collect();
    out.sort_by_key(|d| s(&d["name"]));
    out
}

/// A Salesforce Data Loader export as Excel on Windows saves it: Windows-1252, where
/// `ó` is the one byte F3.
const LOADER_1252: &[u8] = b"Id,Name,StageName,Amount,CloseDate,IsClosed,IsWon\r\n\
006A000001,Acme renewal,Prospecting,1200.50,2025-03-01,false,false\r\n\
006A000002,Globex,Negociaci\xf3n,300,2025-04-01,false,false\r\n\
006A000003,Gesti\xf3n Initech,Prospecting,75,2025-02-01,false,false\r\n";

#[test]
fn a_windows_1252_file_is_refused_naming_the_flag_and_reads_with_it() {
    let rex = Rex::new();
    rex.ok(&["info"]);
    let path = bytes(&rex, "opportunities.csv", LOADER_1252);
    let from = [
        "import",
        &path,
        "--from",
        "salesforce-loader",
        "--create-stages",
    ];
    // Without --encoding: the line as the file numbers it, the column's header, the flag.
    assert_eq!(
        rex.fails(&from, 2),
        "rex: line 3, column 'StageName': not valid UTF-8; if the file is from Excel, try --encoding windows-1252; nothing was imported"
    );
    // latin1 and iso-8859-1 are Windows-1252, as in browsers.
    for name in ["windows-1252", "latin1", "ISO-8859-1"] {
        let mut args = from.to_vec();
        args.extend(["--encoding", name, "--dry-run"]);
        rex.ok(&args);
    }
    let mut args = from.to_vec();
    args.extend(["--encoding", "windows-1252"]);
    rex.ok(&args);
    assert_eq!(
        deals(&rex),
        vec![
            json!({"name": "Acme renewal", "value": 120050, "status": "open", "stage": "Prospecting"}),
            json!({"name": "Gestión Initech", "value": 7500, "status": "open", "stage": "Prospecting"}),
            json!({"name": "Globex", "value": 30000, "status": "open", "stage": "Negociación"}),
        ]
    );

    // rex's own formats too: a CSV, JSON Lines and JSON, each named by its line.
    let rex = Rex::new();
    rex.sales();
    let csv = bytes(&rex, "deals.csv", b"name,value\nAcme,100\nCaf\xe9,200\n");
    assert_eq!(
        rex.fails(&["import", &csv], 2),
        "rex: line 3, column 'name': not valid UTF-8; if the file is from Excel, try --encoding windows-1252; nothing was imported"
    );
    let jsonl = bytes(
        &rex,
        "deals.jsonl",
        b"{\"name\":\"Ol\xe9\",\"value\":300}\n{\"name\":\"B\",\"value\":1}\n",
    );
    assert_eq!(
        rex.fails(&["import", &jsonl], 2),
        "rex: line 1: not valid UTF-8; if the file is from Excel, try --encoding windows-1252; nothing was imported"
    );
    let json = bytes(
        &rex,
        "deals.json",
        b"[{\"name\":\"A\",\"value\":1},\n {\"name\":\"\xc0 bient\xf4t\",\"value\":1}]",
    );
    assert_eq!(
        rex.fails(&["import", &json], 2),
        "rex: line 2: not valid UTF-8; if the file is from Excel, try --encoding windows-1252; nothing was imported"
    );
    rex.ok(&["import", &csv, "--encoding", "windows-1252"]);
    rex.ok(&["import", &jsonl, "--encoding", "cp1252"]);
    rex.ok(&["import", &json, "--encoding", "latin1"]);
    let names: Vec<String> = deals(&rex).iter().map(|d| s(&d["name"])).collect();
    assert_eq!(names, ["A", "Acme", "B", "Café", "Olé", "À bientôt"]);
}

#[test]
fn utf16_with_a_byte_order_mark_reads_as_utf16_in_every_format() {
    let rex = Rex::new();
    rex.sales();
    // Excel's "Unicode text": UTF-16LE with its mark, tab-separated, CRLF.
    let tabs = bytes(
        &rex,
        "deals.txt",
        &utf16(
            "Name\tValue_Dollars\tStatus\r\nCafé Olé\t12.50\tOpen\r\nZürich AG\t3\tWon\r\n",
            true,
        ),
    );
    rex.ok(&["import", &tabs, "--format", "csv"]);
    let jsonl = bytes(
        &rex,
        "deals.jsonl",
        &utf16("{\"name\":\"Łódź\",\"value\":7}\n", false),
    );
    rex.ok(&["import", &jsonl]);
    let json = bytes(
        &rex,
        "deals.json",
        &utf16("[{\"name\":\"日本\",\"value\":8}]", true),
    );
    rex.ok(&["import", &json]);
    // --encoding names it when there is no mark.
    let bare = bytes(&rex, "bare.csv", &utf16("name,value\nΑθήνα,9\n", true)[2..]);
    rex.ok(&["import", &bare, "--encoding", "utf-16le"]);
    assert_eq!(
        deals(&rex),
        vec![
            json!({"name": "Café Olé", "value": 1250, "status": "open", "stage": "Discovery"}),
            json!({"name": "Zürich AG", "value": 300, "status": "won", "stage": "Discovery"}),
            json!({"name": "Łódź", "value": 7, "status": "open", "stage": "Discovery"}),
            json!({"name": "Αθήνα", "value": 9, "status": "open", "stage": "Discovery"}),
            json!({"name": "日本", "value": 8, "status": "open", "stage": "Discovery"}),
        ]
    );

    // Bytes not valid in the encoding are refused, never replaced: a lone surrogate.
    let mut broken = utf16("name,value\n", true);
    broken.extend(b"A\0\x00\xd8,\x001\0\n\0");
    let broken = bytes(&rex, "broken.csv", &broken);
    assert_eq!(
        rex.fails(&["import", &broken], 2),
        "rex: line 2, column 'name': not valid UTF-16LE (its byte order mark says UTF-16LE); nothing was imported"
    );
    let bare = bytes(
        &rex,
        "odd.csv",
        b"n\0a\0m\0e\0,\0v\0a\0l\0u\0e\0\n\0X\0,\x001\0\n\0Y\0,\x002",
    );
    assert_eq!(
        rex.fails(&["import", &bare, "--encoding", "utf-16le"], 2),
        "rex: line 3, column 'value': not valid UTF-16LE; give the file's own encoding with --encoding; nothing was imported"
    );
    assert_eq!(
        rex.fails(&["import", &bare, "--encoding", "klingon"], 2),
        "rex: --encoding 'klingon': not an encoding rex knows; use one like windows-1252, latin1, iso-8859-15, utf-16le, utf-16be or utf-8"
    );
}

#[test]
fn semicolons_and_tabs_are_read_from_the_header_or_given_with_delimiter() {
    let rex = Rex::new();
    // European Excel: semicolons, decimal commas, Windows-1252.
    let hubspot = bytes(
        &rex,
        "deals.csv",
        b"Record ID;Deal Name;Deal Stage;Amount;Close Date\r\n\
11;M\xfcller GmbH;Appointment Scheduled;1.234,56;2025-03-01\r\n\
12;\"Caf\xe9; Bar\";Qualified To Buy;48.000;2025-02-01\r\n",
    );
    let args = [
        "import",
        &hubspot,
        "--from",
        "hubspot",
        "--create-stages",
        "--encoding",
        "windows-1252",
        "--decimal",
        "comma",
    ];
    let out = rex.run(&[&args[..], &["--dry-run"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("rex: columns separated by ';'\nrex: column 'Record ID' → origin"),
        "{stderr}"
    );
    rex.ok(&args);
    assert_eq!(
        deals(&rex),
        vec![
            json!({"name": "Café; Bar", "value": 4800000, "status": "open", "stage": "Qualified To Buy"}),
            json!({"name": "Müller GmbH", "value": 123456, "status": "open", "stage": "Appointment Scheduled"}),
        ]
    );

    // rex's own CSV with semicolons; a header with a comma in quotes and more semicolons;
    // tabs; and any delimiter given with --delimiter.
    let rex = Rex::new();
    rex.sales();
    for (name, content, extra) in [
        ("semi.csv", "name;value;status\nSemi;100;open\n", vec![]),
        (
            "quoted.csv",
            "name;\"value\";status\n\"Quoted, Inc.\";200;won\n",
            vec![],
        ),
        ("tab.tsv", "name\tvalue\nTabbed\t300\n", vec![]),
        (
            "pipe.csv",
            "name|value\nPiped, Ltd|400\n",
            vec!["--delimiter", "|"],
        ),
        (
            "tab.txt",
            "name\tvalue\nNamed tab\t600\n",
            vec!["--delimiter", "tab"],
        ),
    ] {
        let path = bytes(&rex, name, content.as_bytes());
        let mut args = vec!["import", path.as_str()];
        args.extend(extra);
        rex.ok(&args);
    }
    let got: Vec<(String, i64)> = deals(&rex)
        .iter()
        .map(|d| (s(&d["name"]), d["value"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("Named tab", 600),
            ("Piped, Ltd", 400),
            ("Quoted, Inc.", 200),
            ("Semi", 100),
            ("Tabbed", 300),
        ]
        .map(|(n, v)| (n.to_string(), v))
    );

    // A delimiter that is not one ASCII character is refused; so is one for JSON.
    let path = bytes(&rex, "x.csv", b"name,value\nX,1\n");
    for bad in [";;", "€", "\"", ""] {
        assert_eq!(
            rex.fails(&["import", &path, "--delimiter", bad], 2),
            format!("rex: --delimiter '{bad}': give one ASCII character, like , ; | or tab")
        );
    }
    assert_eq!(
        rex.fails(&["import", &path, "--format", "json", "--delimiter", ";"], 2),
        "rex: --from, --map, --rate, --decimal, --keep-unknown and --delimiter read CSV; give --format csv or a .csv file"
    );
}

#[test]
fn rex_own_csv_headers_and_statuses_match_ignoring_case_and_spaces() {
    let rex = Rex::new();
    rex.sales();
    let plain = bytes(
        &rex,
        "plain.csv",
        b"Name, Value ,STATUS\nAcme,100,Open\nGlobex,200, WON \n",
    );
    rex.ok(&["import", &plain]);
    // With --map too (rex's names beside a mapped column).
    let mapped = bytes(
        &rex,
        "mapped.csv",
        b"Name, Value ,STATUS,Region\nInitech,300,OPEN,EMEA\n",
    );
    rex.ok(&["import", &mapped, "--map", "metadata.region=Region"]);
    assert_eq!(
        deals(&rex),
        vec![
            json!({"name": "Acme", "value": 100, "status": "open", "stage": "Discovery"}),
            json!({"name": "Globex", "value": 200, "status": "won", "stage": "Discovery"}),
            json!({"name": "Initech", "value": 300, "status": "open", "stage": "Discovery"}),
        ]
    );

    // Two columns for one field are refused naming both, with and without --map.
    let twice = bytes(&rex, "twice.csv", b"name,value, Name \nA,1,B\n");
    assert_eq!(
        rex.fails(&["import", &twice], 2),
        "rex: line 1: columns 'name' and ' Name ' are both field 'name'; name each column once; nothing was imported"
    );
    assert_eq!(
        rex.fails(&["import", &twice, "--keep-unknown"], 2),
        "rex: line 1: columns 'name' and 'Name' both go to name; drop one with --map -=COLUMN; nothing was imported"
    );
}

#[test]
fn a_csv_header_that_is_not_rex_own_gets_a_hint() {
    let rex = Rex::new();
    rex.sales();
    let foreign = bytes(
        &rex,
        "report.csv",
        b"Opportunity Name,Stage,Amount,Close Date,Owner,Type\nAcme,Prospecting,100,2025-01-01,Ana,New\n",
    );
    assert_eq!(
        rex.fails(&["import", &foreign], 2),
        "rex: line 1: the header is not rex's own: no column is a rex field (unknown: 'Opportunity Name', 'Stage', 'Amount', 'Close Date', and 2 more); for another CRM's export give --from pipedrive|hubspot|salesforce|salesforce-loader|twenty, or say which column is which with --map FIELD=COLUMN; nothing was imported"
    );
    let no_name = bytes(&rex, "no-name.csv", b"Title, value\nAcme,100\n");
    assert_eq!(
        rex.fails(&["import", &no_name], 2),
        "rex: line 1: the header has no name column (unknown: 'Title'); for another CRM's export give --from pipedrive|hubspot|salesforce|salesforce-loader|twenty, or say which column is which with --map FIELD=COLUMN; nothing was imported"
    );
    // Which the hint says is the way.
    rex.ok(&["import", &no_name, "--map", "name=Title"]);
    assert_eq!(
        deals(&rex),
        vec![json!({"name": "Acme", "value": 100, "status": "open", "stage": "Discovery"})]
    );
    // rex's own header with a column it does not know is still that column's error.
    let extra = bytes(&rex, "extra.csv", b"name,value,colour\nB,1,red\n");
    assert_eq!(
        rex.fails(&["import", &extra], 2),
        "rex: line 2: unknown field 'colour'; nothing was imported"
    );
}
