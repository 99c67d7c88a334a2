//! Other CRMs' exports that rex would read wrong are refused, naming the line: amounts in
//! another notation or currency, a report's rows that are not its footer, an outcome no
//! column gives, a local time the clocks skipped, a rate or a mapping given twice.

use serde_json::Value;

use crate::support::Rex;

fn file(rex: &Rex, name: &str, text: &str) -> String {
    let path = rex.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_local_time_the_clocks_skipped_is_read_with_the_offset_before() {
    let rex = Rex::new();
    rex.sales();
    let path = file(
        &rex,
        "dst.csv",
        "name,value,created_at\nSkipped,100,2026-03-08 02:30:00\nTwice,100,2026-11-01 01:30:00\nPlain,100,2026-03-08 01:30:00\n",
    );
    let out = rex
        .cmd()
        .env("TZ", "America/New_York")
        .args(["import", &path, "--keep-unknown"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created = |name: &str| -> Value { rex.json(&["deal", "show", name])["created_at"].clone() };
    // 02:30 does not exist in New York that day: read as standard time (-05:00), 03:30 EDT.
    assert_eq!(created("Skipped"), "2026-03-08T07:30:00Z");
    // 01:30 happens twice when the clocks go back: the earlier (-04:00).
    assert_eq!(created("Twice"), "2026-11-01T05:30:00Z");
    assert_eq!(created("Plain"), "2026-03-08T06:30:00Z");
}
