//! The plans SQLite picks for the deal queries: each searches an index range, none sorts
//! what it could read in order.

use super::*;
use crate::id::PipelineId;
use crate::store::sqlite::pipelines::ACTIVE_TOTALS_SQL;
use crate::store::OrderKey;

/// The plan SQLite picks for `sql`, one step a line, without the steps that read the
/// hidden set of imports (a few rows, read once per query): those must appear exactly
/// when the query reads the view of visible deals.
fn plan(conn: &rusqlite::Connection, sql: &str, args: &[&dyn ToSql]) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).unwrap();
    let steps: Vec<String> = rows.map(|r| r.unwrap()).collect();
    let hidden_set = |l: &String| {
        l.starts_with("LIST SUBQUERY")
            || l == "SEARCH imports USING COVERING INDEX imports_hidden (state=?)"
            || l == "CREATE BLOOM FILTER"
    };
    assert_eq!(
        steps.iter().any(|l| l.contains("imports_hidden")),
        sql.contains("FROM deals "),
        "the view of deals and only it filters out hidden rows:\n{}",
        steps.join("\n")
    );
    steps
        .into_iter()
        .filter(|l| !hidden_set(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Filtered queries must search an index range; none may sort in a temporary B-tree.
fn assert_indexed(conn: &rusqlite::Connection, what: &str, sql: &str, args: &[&dyn ToSql]) {
    let p = plan(conn, sql, args);
    assert!(
        p.lines().all(|l| l.starts_with("SEARCH")),
        "{what} does not search an index range:\n{p}"
    );
    assert!(
        !p.contains("TEMP B-TREE"),
        "{what} sorts in a temporary B-tree:\n{p}"
    );
}

#[test]
fn list_board_and_stalled_scan_use_indexes_without_sorting() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::sqlite::plan_store(&dir);
    let conn = &store.conn;
    let stage = StageId::new();
    let pipeline = PipelineId::new();
    for desc in [false, true] {
        for statuses in [vec![Status::Open], vec![Status::Won]] {
            let by_stage = DealFilter {
                stages: vec![stage],
                statuses: statuses.clone(),
                ..Default::default()
            };
            let (sql, args) = SQL.deal_list(&by_stage, DealSort::Value, desc, None, Some(51));
            let args = bound(&args);
            assert_indexed(conn, "deal list --stage --status --sort value", &sql, &args);
            let by_status = DealFilter {
                statuses,
                ..Default::default()
            };
            let (sql, args) = SQL.deal_list(&by_status, DealSort::Value, desc, None, Some(51));
            let args = bound(&args);
            assert_indexed(conn, "deal list --status --sort value", &sql, &args);
        }
        let by_pipeline = DealFilter {
            pipeline: Some(pipeline),
            statuses: vec![Status::Open],
            ..Default::default()
        };
        let (sql, args) = SQL.deal_list(&by_pipeline, DealSort::Value, desc, None, Some(51));
        let args = bound(&args);
        assert_indexed(
            conn,
            "deal list --pipeline --status --sort value",
            &sql,
            &args,
        );
        // A filter that selects a large share, in the default order: the deals are read
        // in deals_created's order and checked, with no sort.
        let (sql, args) = SQL.deal_list_in_created_order(&by_pipeline, desc, None, 51);
        assert_eq!(
            plan(conn, &sql, &bound(&args)),
            "SCAN deal_rows USING INDEX deals_created",
            "deal list --pipeline --status in the order of creation"
        );
        // Whether a filter selects a large share is counted in an index that holds what
        // it checks, reading no deal.
        for filter in [
            by_pipeline.clone(),
            DealFilter {
                statuses: vec![Status::Stalled],
                ..Default::default()
            },
            DealFilter {
                owner: Some("ana".into()),
                ..Default::default()
            },
            DealFilter {
                owner: Some("ana".into()),
                statuses: vec![Status::Open, Status::Stalled],
                ..Default::default()
            },
            DealFilter {
                owner: Some("ana".into()),
                pipeline: Some(pipeline),
                ..Default::default()
            },
        ] {
            let (sql, args) = SQL.count_up_to(&filter, 1768);
            let p = plan(conn, &sql, &bound(&args));
            assert!(
                p.lines()
                    .any(|l| l.starts_with("SEARCH deal_rows USING COVERING INDEX"))
                    && !p.contains("SCAN deal_rows"),
                "{filter:?} is not counted in an index that holds it:\n{p}"
            );
        }
        // Over several statuses, one ordered range per status, merged (`--owner` alone).
        for (what, filter) in [
            (
                "deal list --owner --sort value",
                DealFilter {
                    owner: Some("ana".into()),
                    ..Default::default()
                },
            ),
            (
                "deal list --pipeline --sort value",
                DealFilter {
                    pipeline: Some(pipeline),
                    ..Default::default()
                },
            ),
            (
                "deal list --stage --status open,won --sort value",
                DealFilter {
                    stages: vec![stage],
                    statuses: vec![Status::Won, Status::Open, Status::Won],
                    ..Default::default()
                },
            ),
        ] {
            let (sql, args) = SQL.deal_list(&filter, DealSort::Value, desc, None, Some(51));
            let p = plan(conn, &sql, &bound(&args));
            assert!(
                p.lines()
                    .all(|l| l.starts_with("SEARCH deal_rows USING INDEX")
                        || ["MERGE (UNION ALL)", "LEFT", "RIGHT"].contains(&l)),
                "{what} does not merge index ranges:\n{p}"
            );
            let arms = if filter.statuses.is_empty() { 4 } else { 2 };
            assert_eq!(p.matches("SEARCH").count(), arms, "{what}:\n{p}");
        }
        // Unfiltered, the newest or oldest 51 are an ordered walk of an index that stops early.
        let (sql, args) = SQL.deal_list(
            &DealFilter::default(),
            DealSort::Created,
            desc,
            None,
            Some(51),
        );
        let args = bound(&args);
        assert_eq!(
            plan(conn, &sql, &args),
            "SCAN deal_rows USING INDEX deals_created"
        );
    }
    // A page after a cursor starts its range where the last page ended: one owner's deals
    // by creation (GET /deals?owner_id=…), whatever statuses, in deals_owner_created; all
    // deals in deals_created; by value, each status arm in its own index.
    let after = |key: OrderKey| After {
        key,
        id: DealId::new(),
    };
    let created = after(OrderKey::Created("2026-01-01T00:00:00Z".into()));
    for desc in [false, true] {
        let cmp = if desc { "<" } else { ">" };
        for statuses in [vec![], vec![Status::Open, Status::Stalled]] {
            let owners = DealFilter {
                owner: Some("ana".into()),
                statuses,
                ..Default::default()
            };
            for from in [None, Some(&created)] {
                let (sql, args) = SQL.deal_list(&owners, DealSort::Created, desc, from, Some(51));
                let range = if from.is_some() {
                    format!("owner_id=? AND (created_at,id){cmp}(?,?)")
                } else {
                    "owner_id=?".into()
                };
                assert_eq!(
                    plan(conn, &sql, &bound(&args)),
                    format!("SEARCH deal_rows USING INDEX deals_owner_created ({range})"),
                    "{owners:?}"
                );
            }
        }
        let (sql, args) = SQL.deal_list(
            &DealFilter::default(),
            DealSort::Created,
            desc,
            Some(&created),
            Some(51),
        );
        assert_eq!(
            plan(conn, &sql, &bound(&args)),
            format!("SEARCH deal_rows USING INDEX deals_created ((created_at,id){cmp}(?,?))")
        );
        let by_pipeline = DealFilter {
            pipeline: Some(pipeline),
            ..Default::default()
        };
        let (sql, args) = SQL.deal_list_in_created_order(&by_pipeline, desc, Some(&created), 51);
        assert_eq!(
            plan(conn, &sql, &bound(&args)),
            format!("SEARCH deal_rows USING INDEX deals_created ((created_at,id){cmp}(?,?))")
        );
        let value = after(OrderKey::Value(crate::money::Cents::new(500).unwrap()));
        let (sql, args) = SQL.deal_list(
            &DealFilter::default(),
            DealSort::Value,
            desc,
            Some(&value),
            Some(51),
        );
        let p = plan(conn, &sql, &bound(&args));
        assert_eq!(
            p.matches(&format!(
                "USING INDEX deals_status_value (status=? AND (value,id){cmp}(?,?))"
            ))
            .count(),
            4,
            "deal list --sort value after a cursor:\n{p}"
        );
        assert!(!p.contains("TEMP B-TREE"), "{p}");
    }
    // A name is one range of deals_name; a part of a name is looked up by its trigrams.
    for exact in [true, false] {
        let (sql, args) = SQL.deals_by_name("acme 12", exact, 11);
        let p = plan(conn, &sql, &bound(&args));
        assert!(
            !p.contains("SCAN deal_rows"),
            "a name lookup reads every deal:\n{p}"
        );
        if exact {
            assert!(p.contains("USING INDEX deals_name (name_key=?)"), "{p}");
        } else {
            assert!(p.contains("SCAN f VIRTUAL TABLE INDEX"), "{p}");
        }
    }
    let search = DealFilter {
        search: Some("Acme 12".into()),
        ..Default::default()
    };
    let (sql, args) = SQL.deal_list(&search, DealSort::Created, true, None, Some(51));
    let p = plan(conn, &sql, &bound(&args));
    assert!(
        p.contains("SCAN f VIRTUAL TABLE INDEX") && !p.contains("SCAN deal_rows"),
        "deal list --search:\n{p}"
    );
    // A search looks up names and contacts, each by its trigrams: one range of the id each.
    assert!(
        p.contains("MULTI-INDEX OR") && p.matches("SCAN f VIRTUAL TABLE INDEX").count() == 2,
        "deal list --search, names or contacts:\n{p}"
    );
    // An owner's spellings are found one step of an owner index per distinct owner; two
    // spellings are two ranges of deals_owner_status, sorted by value per status arm.
    let owners = SQL.owner_ids_between("deal_rows");
    let p = plan(conn, &owners, &[&"B", &"C"]);
    assert!(
        !p.contains("SCAN deal_rows") && p.contains("COVERING INDEX deals_owner"),
        "owner ids:\n{p}"
    );
    let spelled = DealFilter {
        owner: Some("Ben".into()),
        owner_ids: vec!["ben".into(), "BEN".into()],
        statuses: vec![Status::Open],
        ..Default::default()
    };
    let (sql, args) = SQL.deal_list(&spelled, DealSort::Created, false, None, Some(51));
    let p = plan(conn, &sql, &bound(&args));
    assert!(
        p.contains("USING INDEX deals_owner"),
        "deal list --owner:\n{p}"
    );
    // The end of an id is a few steps of deals_ref (its last seven characters), never a
    // scan; the few deals found are ordered by their reversed end (schema 18 dropped
    // deals_tail, which held that order for this list alone).
    let ending_sql = ENDING_SQL.replace("{DEAL_COLUMNS}", DEAL_COLUMNS);
    let keys = r#"["a0x2m9k"]"#;
    let p = plan(conn, &ending_sql, &[&keys, &7, &"a0x2m9k", &11]);
    assert!(
        p.starts_with("SEARCH deal_rows USING INDEX deals_ref (<expr>=?)")
            && !p.contains("SCAN deal_rows"),
        "deal show END:\n{p}"
    );
    let p = plan(
        conn,
        SAME_REF_KEY_SQL,
        &[&"deal_01m90yexwyf88tfdqjce3mf7j8"],
    );
    assert_eq!(
        p, "SEARCH deal_rows USING INDEX deals_ref (<expr>=?)",
        "a reference's length"
    );
    // The start of a reference is one range of deals_ref, for a reference of seven
    // characters and for a longer one alike.
    for len in [7, 8] {
        let (sql, args) = SQL.deals_by_reference_start("h0k6", len, 11);
        let p = plan(conn, &sql, &bound(&args));
        assert_eq!(
            p,
            "SEARCH deal_rows USING INDEX deals_ref (<expr>>? AND <expr><?)"
        );
    }
    // The closed deals of a report's window: whole UTC days are a range of the
    // counters' key, the hours at its ends one range of deals_status_closed per status.
    let window = DealFilter {
        statuses: vec![Status::Won, Status::Lost],
        closed_from: Some("2026-03-01T05:00:00Z".into()),
        closed_before: Some("2026-03-02T00:00:00Z".into()),
        ..Default::default()
    };
    for by in [
        ClosedBy::default(),
        ClosedBy {
            owner: false,
            reason: true,
        },
    ] {
        let (sql, args) = SQL.closed_sums(&window, by);
        let p = plan(conn, &sql, &bound(&args));
        assert_eq!(
            p.lines().next(),
            Some("SEARCH deal_rows USING INDEX deals_status_closed (status=? AND closed_at>? AND closed_at<?)"),
            "{p}"
        );
        let (counted, args) = SQL.closed_sums_on_days(&ClosedDays {
            first: "2025-03-01".parse().unwrap(),
            end: "2026-03-01".parse().unwrap(),
            statuses: &[Status::Won, Status::Lost],
            pipeline: None,
            by_reason: by.reason,
        });
        let p = plan(conn, &counted, &bound(&args));
        assert!(
            p.starts_with("SEARCH closed_totals USING PRIMARY KEY (day>? AND day<?)"),
            "{p}"
        );
    }
    // The board and pipeline show count from the counters, whatever is loading.
    assert_eq!(
        plan(conn, ACTIVE_TOTALS_SQL, &[&stage]),
        "SEARCH deal_totals USING PRIMARY KEY (stage_id=? AND status=?)",
        "a stage's counts are a few rows of deal_totals"
    );
    // While an import is in progress (the view) and otherwise (the row table).
    for source in ["deals", "deal_rows"] {
        let own = SQL.own_chance_adjustment(source);
        assert_eq!(
            plan(conn, &own, &[&stage, &50]),
            "SEARCH deal_rows USING COVERING INDEX deals_own_probability (stage_id=? AND status=?)",
            "deals with their own chance are found in their own small index"
        );
        let since = "2026-01-01T00:00:00Z";
        for (what, owner, index) in [
            ("deal stalled", None, "deals_stage_status_activity"),
            (
                "deal stalled --owner",
                Some("ana"),
                "deals_owner_stage_activity",
            ),
        ] {
            for after in [None, Some("2025-12-01T00:00:00Z")] {
                let (sql, args) = SQL.idle_deals(source, stage, Status::Open, since, after, owner);
                assert_indexed(conn, what, &sql, &bound(&args));
                let p = plan(conn, &sql, &bound(&args));
                assert!(p.contains(index), "{what} does not use {index}:\n{p}");
            }
        }
    }
}

/// A deal's next step, for `deal list --no-next-step` and `--sort next-activity`, is read
/// from the deal's own row (schema 19), never from the activities.
#[test]
fn next_step_filters_and_sorts_read_the_deals_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::sqlite::plan_store(&dir);
    let conn = &store.conn;
    let owner = DealFilter {
        owner: Some("ana".into()),
        ..Default::default()
    };
    let no_next_step = DealFilter {
        no_next_step: true,
        ..owner.clone()
    };
    let after = After {
        key: OrderKey::NextActivity(Some("2026-03-05T14:00".into())),
        id: crate::id::DealId::new(),
    };
    for (what, (sql, args)) in [
        (
            "--no-next-step",
            SQL.deal_list(&no_next_step, DealSort::Created, false, None, Some(51)),
        ),
        (
            "--sort next-activity",
            SQL.deal_list(&owner, DealSort::NextActivity, true, Some(&after), Some(51)),
        ),
    ] {
        let p = plan(conn, &sql, &bound(&args));
        assert!(!p.contains("activity_rows"), "{what}:\n{p}");
        assert!(
            p.contains("SEARCH deal_rows USING INDEX deals_owner"),
            "{what}:\n{p}"
        );
    }
}

/// A staged import's counters read its own rows through indexes that hold `batch`; a load
/// into a database without deals, where every row is the batch's, reads the table in order.
#[test]
fn a_staged_batch_is_summed_through_indexes_and_a_whole_load_in_table_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::sqlite::plan_store(&dir);
    let plans = |whole: bool| -> Vec<String> {
        let batch = if whole { "NOT IN (SELECT 1)" } else { "= 5" };
        crate::store::sqlite::staged::add_totals_sql(batch, whole)
            .split(';')
            .filter(|s| !s.trim().is_empty())
            .map(|s| plan(&store.conn, s, &[]))
            .collect()
    };
    let scans = |p: &String| p.lines().any(|l| l == "SCAN d" || l == "SCAN deal_rows");
    let staged = plans(false);
    assert_eq!(staged.len(), 3);
    assert!(!staged.iter().any(scans), "{staged:#?}");
    let whole = plans(true);
    assert_eq!(
        whole.iter().map(scans).collect::<Vec<_>>(),
        [false, true, true],
        "{whole:#?}"
    );
}
