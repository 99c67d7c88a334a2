//! The rules of pipelines and their stages, on a real store.

use super::*;
use crate::error::code;
use crate::ops::testing::{clock, deal, store};

fn named(name: &str, stages: &[&str]) -> NewPipeline {
    NewPipeline {
        name: name.into(),
        stages: stages
            .iter()
            .map(|s| NewStage {
                name: s.to_string(),
                ..Default::default()
            })
            .collect(),
        stall_days: 30,
        probabilities: Vec::new(),
    }
}

#[test]
fn create_gives_the_default_stages_their_chances_and_refuses_a_taken_name() {
    let (_dir, mut store) = store();
    let clock = clock();
    let mut new = named(" Sales ", &[]);
    new.probabilities = vec![("closed".into(), "95".parse().unwrap())];
    let p = store.write(|tx| create(tx, &clock, &new)).unwrap();
    assert_eq!(p.name, "Sales");
    let stages: Vec<(&str, u8)> = p
        .stages
        .iter()
        .map(|s| (s.stage.name.as_str(), s.stage.probability.get()))
        .collect();
    assert_eq!(
        stages,
        [
            ("Discovery", 10),
            ("Qualification", 25),
            ("Proposal", 50),
            ("Negotiation", 75),
            ("Closed", 95)
        ]
    );
    let err = store
        .write(|tx| create(tx, &clock, &named("SALES", &["A"])))
        .unwrap_err();
    assert_eq!(err.exit_code(), code::CONFLICT);
    assert_eq!(
        err.to_string(),
        format!("a pipeline named 'Sales' already exists ({})", p.id)
    );
    // Named stages are certain unless told otherwise, and may not share a name.
    let err = store
        .write(|tx| create(tx, &clock, &named("Partners", &["A", "a"])))
        .unwrap_err();
    assert_eq!(
        (err.exit_code(), err.to_string()),
        (
            code::USAGE,
            "pipeline 'Partners' would have two stages named 'a'".to_string()
        )
    );
    let partners = store
        .write(|tx| create(tx, &clock, &named("Partners", &["Intro", "Signed"])))
        .unwrap();
    assert!(partners
        .stages
        .iter()
        .all(|s| s.stage.probability == Probability::CERTAIN));
    assert_eq!(store.read(list).unwrap().len(), 2);
}

#[test]
fn update_moves_the_deals_of_a_removed_stage_and_records_why() {
    let (_dir, mut store) = store();
    let clock = clock();
    let p = store
        .write(|tx| create(tx, &clock, &named("Sales", &["Lead", "Demo", "Won"])))
        .unwrap();
    let held = store
        .write(|tx| {
            let p = find_pipeline(tx, "Sales")?;
            Ok(deal(tx, &clock, &p, "Acme", 50000))
        })
        .unwrap();
    let remove = PipelineChanges {
        remove_stages: vec!["lead".into()],
        ..Default::default()
    };
    let err = store
        .write(|tx| update(tx, &clock, "Sales", &remove))
        .unwrap_err();
    assert_eq!(
        (err.exit_code(), err.to_string()),
        (
            code::CONFLICT,
            "stage 'Lead' holds 1 deal; move them with --move-deals-to STAGE".to_string()
        )
    );
    let changes = PipelineChanges {
        rename_stages: vec![("Demo".into(), "Trial".into())],
        add_stages: vec![NewStage {
            name: "Intro".into(),
            color: Some("#4f9dde".parse().unwrap()),
            ..Default::default()
        }],
        at: Some(0),
        move_stages: vec![("Won".into(), "1".into())],
        move_deals_to: Some("trial".into()),
        ..remove
    };
    let after = store
        .write(|tx| update(tx, &clock, &p.id.to_string(), &changes))
        .unwrap();
    let names: Vec<(&str, u32, i64)> = after
        .stages
        .iter()
        .map(|s| (s.stage.name.as_str(), s.stage.position, s.counts.open_count))
        .collect();
    assert_eq!(names, [("Intro", 0, 0), ("Won", 1, 0), ("Trial", 2, 1)]);
    let history = store.read(|tx| tx.events(held.id)).unwrap();
    let moved = history.last().unwrap();
    assert_eq!(moved.kind, crate::record::event::MOVED);
    assert_eq!(moved.details["reason"], "stage removed");
    assert_eq!(moved.details["from_stage"], "Lead");
    // A position the pipeline does not have is refused as given.
    let err = store
        .write(|tx| {
            let to = PipelineChanges {
                move_stages: vec![("Won".into(), "07".into())],
                ..Default::default()
            };
            update(tx, &clock, "Sales", &to)
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "--move-stage position '07' is not valid; use a number from 0 to 2"
    );
}

#[test]
fn set_stages_keeps_adds_reorders_and_removes_by_the_rules_of_update() {
    let (_dir, mut store) = store();
    let clock = clock();
    let p = store
        .write(|tx| create(tx, &clock, &named("Sales", &["Lead", "Demo", "Won"])))
        .unwrap();
    let id = |i: usize| Some(p.stages[i].stage.id.to_string());
    let held = store
        .write(|tx| Ok(deal(tx, &clock, &find_pipeline(tx, "Sales")?, "Acme", 1)))
        .unwrap();
    let set = |store: &mut crate::store::Store, wanted: &[StageSpec], to: Option<&str>| {
        let base = PipelineChanges {
            move_deals_to: to.map(str::to_string),
            ..Default::default()
        };
        store.write(|tx| set_stages(tx, &clock, "Sales", wanted, base.clone()))
    };
    // Names swap, a new stage takes the name of one left out, Lead never stalls.
    let wanted = [
        StageSpec {
            id: id(2),
            name: Some("Lead".into()),
            ..Default::default()
        },
        StageSpec {
            name: Some("Demo".into()),
            probability: Some("30".parse().unwrap()),
            ..Default::default()
        },
        StageSpec {
            id: id(0),
            name: Some("Won".into()),
            stall_days: Some(StageStall::Off),
            ..Default::default()
        },
    ];
    let after = set(&mut store, &wanted, None).unwrap();
    let got: Vec<(&str, u32, u8, i64)> = after
        .stages
        .iter()
        .map(|s| {
            let st = &s.stage;
            (
                st.name.as_str(),
                st.position,
                st.probability.get(),
                s.counts.open_count,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("Lead", 0, 100, 0), ("Demo", 1, 30, 0), ("Won", 2, 100, 1)]
    );
    assert_eq!(after.stages[2].stage.id, p.stages[0].stage.id);
    assert_eq!(after.stages[2].stage.stall_days, StageStall::Off);
    // Leaving out the stage that holds the deal is refused, naming the API's setting.
    let keep_two = [after.stages[0].clone(), after.stages[1].clone()].map(|s| StageSpec {
        id: Some(s.stage.id.to_string()),
        ..Default::default()
    });
    let err = set(&mut store, &keep_two, None).unwrap_err();
    assert_eq!(
        (err.exit_code(), err.to_string()),
        (
            code::CONFLICT,
            "stage 'Won' holds 1 deal; move them with move_deals_to STAGE".to_string()
        )
    );
    let demo = after.stages[1].stage.id.to_string();
    let done = set(&mut store, &keep_two, Some(&demo)).unwrap();
    assert_eq!(done.stages.len(), 2);
    assert_eq!(done.stages[1].counts.open_count, 1);
    let moved = store.read(|tx| tx.events(held.id)).unwrap().pop().unwrap();
    assert_eq!(moved.details["reason"], "stage removed");
    // An id twice, a new stage without a name, a name where an id goes.
    for (wanted, message) in [
        (
            vec![keep_two[0].clone(), keep_two[0].clone()],
            "is listed twice",
        ),
        (
            vec![StageSpec::default()],
            "a new stage (one without an id) needs a name",
        ),
        (
            vec![StageSpec {
                id: Some("Lead".into()),
                ..Default::default()
            }],
            "'Lead' is not a stage id",
        ),
    ] {
        let err = set(&mut store, &wanted, None).unwrap_err();
        assert_eq!(err.exit_code(), code::USAGE);
        assert!(err.to_string().contains(message), "{err}");
    }
}

#[test]
fn a_pipeline_that_holds_deals_is_not_deleted() {
    let (_dir, mut store) = store();
    let clock = clock();
    let p = store
        .write(|tx| create(tx, &clock, &named("Sales", &["Lead"])))
        .unwrap();
    let found = store.read(|tx| deletable(tx, "sales")).unwrap();
    assert_eq!(found.id, p.id);
    store
        .write(|tx| {
            deal(tx, &clock, &found, "Acme", 1);
            Ok(())
        })
        .unwrap();
    for err in [
        store.read(|tx| deletable(tx, "Sales")).unwrap_err(),
        store.write(|tx| delete(tx, p.id)).unwrap_err(),
    ] {
        assert_eq!(
            err.to_string(),
            "pipeline 'Sales' holds 1 deal; delete them or move them to another pipeline first"
        );
    }
    let other = store
        .write(|tx| create(tx, &clock, &named("Other", &["Lead"])))
        .unwrap();
    store.write(|tx| delete(tx, other.id)).unwrap();
    assert_eq!(
        store.read(|tx| show(tx, "Other")).unwrap_err().exit_code(),
        code::NOT_FOUND
    );
}
