//! The description of the activity paths: `/activities…` and `/deals/{id}/activities`.
//! Each function here joins the route table ([`crate::serve::routes`]) with its handler
//! (serve/activities.rs). The handler reads a patch field by field (a merge patch must tell
//! a field sent as `null` from one left out), so [`ActivityPatchBody`] is read by the spec
//! only.
#![allow(dead_code)]

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use super::{date, one_of, op, schema, string, Doc};
use crate::record::ActivityType;
use crate::serve::activities::{DoneBody, NewActivityBody, UndoBody};
use crate::serve::schemas;

/// `PATCH /activities/{id}`'s body: a JSON merge patch of an activity.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[schema(as = ActivityPatch)]
pub struct ActivityPatchBody {
    #[schema(required = false, schema_with = schemas::name)]
    subject: String,
    #[serde(rename = "type")]
    #[schema(required = false)]
    kind: schemas::ActivityType,
    /// A new date (with `due_time`, a new time) is recorded in the deal's history.
    #[schema(required = false, value_type = String, format = Date)]
    due_date: String,
    /// null: all day.
    #[schema(schema_with = schemas::time_or_null)]
    due_time: Option<String>,
    /// null: not said.
    #[schema(minimum = 1, maximum = 10080)]
    duration_minutes: Option<u32>,
    /// null: nobody's.
    #[schema(schema_with = schemas::line_or_null)]
    owner_id: Option<String>,
    /// null removes it.
    #[schema(schema_with = schemas::note_or_null)]
    note: Option<String>,
}

/// The schemas these paths name, for the document's components.
pub fn schemas(out: &mut Vec<(String, RefOr<utoipa::openapi::schema::Schema>)>) {
    super::collect::<schemas::Activity>(out);
    super::collect::<schemas::ActivityPage>(out);
    super::collect::<NewActivityBody>(out);
    super::collect::<ActivityPatchBody>(out);
    super::collect::<DoneBody>(out);
    super::collect::<UndoBody>(out);
}

fn flag() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Boolean)
}

/// The parameters both activity lists take.
fn filters(d: Doc) -> Doc {
    d.query("owner_id", string(), "Only this owner's activities")
        .query(
            "type",
            one_of(&ActivityType::NAMES),
            "Only activities of this type",
        )
        .query(
            "overdue",
            flag(),
            "Only those due before today, or today at a time already past",
        )
        .query(
            "due_from",
            date(),
            "Only those due on or after this date (or `today`, `+7d`, …)",
        )
        .query(
            "due_to",
            date(),
            "Only those due on or before this date (or `today`, `+7d`, …)",
        )
        .query("done", flag(), "Done activities instead of pending ones")
        .query(
            "limit",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(crate::ops::activity::PAGE_MOST))
                .default(Some(crate::ops::activity::PAGE_SIZE.into())),
            "Activities per page",
        )
        .query("cursor", string(), "The `next_cursor` of the page before")
        .answer(
            200,
            "A page of activities, soonest first, each as `rex activity show -o json` prints it",
            Some(schema("ActivityPage")),
            &[],
        )
        .errors(&[422])
}

pub fn list_activities() -> Operation {
    let d = op("activities", "listActivities", "List activities, soonest first")
        .describe("The filters of `rex activity list`. Without `owner_id`, `all` or `deal_id`: the token's owner's (everyone's for a token without one).");
    let d = d.query("all", flag(), "Everyone's activities").query(
        "deal_id",
        string().pattern(Some(r"^deal_[0-9a-z]{26}$")),
        "Only this deal's, whoever owns them",
    );
    filters(d).done()
}

pub fn deal_activities() -> Operation {
    let d = op(
        "activities",
        "dealActivities",
        "A deal's activities, whoever owns them, soonest first",
    )
    .describe("As `rex activity list --deal ID`: pending ones, or done ones with `done=true`.")
    .id("deal");
    filters(d).done()
}

pub fn create_activity() -> Operation {
    op("activities", "createActivity", "Schedule an activity on a deal")
        .describe("The fields of `rex activity add`. Recorded in the deal's history as `activity_scheduled`; the deal itself is not changed. A member token schedules only on its owner's deals, and only for its owner.")
        .id("deal")
        .body("NewActivity", &["application/json"])
        .idempotent()
        .answer(
            201,
            "The activity scheduled, as `rex activity show -o json` prints it",
            Some(schema("Activity")),
            &["ETag", "Location"],
        )
        .errors(&[403])
        .done()
}

pub fn show_activity() -> Operation {
    op("activities", "showActivity", "An activity")
        .id("activity")
        .answer(
            200,
            "The activity, as `rex activity show -o json` prints it",
            Some(schema("Activity")),
            &["ETag"],
        )
        .done()
}

pub fn patch_activity() -> Operation {
    op("activities", "patchActivity", "Change or reschedule an activity")
        .describe("A JSON merge patch (RFC 7396): `null` clears an optional field. A new date or time is recorded in the deal's history as `activity_rescheduled`.")
        .id("activity")
        .conditional()
        .body(
            "ActivityPatch",
            &["application/merge-patch+json", "application/json"],
        )
        .answer(
            200,
            "The activity as it is now",
            Some(schema("Activity")),
            &["ETag"],
        )
        .errors(&[403])
        .done()
}

pub fn delete_activity() -> Operation {
    op("activities", "deleteActivity", "Delete an activity")
        .describe("Recorded in the deal's history as `activity_deleted`.")
        .id("activity")
        .conditional()
        .answer(204, "Deleted", None, &[])
        .errors(&[403])
        .done()
}

pub fn done_activity() -> Operation {
    op("activities", "doneActivity", "Mark an activity done")
        .describe("As `rex activity done`: activity on the deal (a stalled deal is open again), recorded in its history as `activity_done`. An activity already done is answered as it is.")
        .id("activity")
        .optional_body("ActivityDone")
        .idempotent()
        .answer(
            200,
            "The activity, done",
            Some(schema("Activity")),
            &["ETag"],
        )
        .errors(&[403])
        .done()
}

pub fn undo_activity() -> Operation {
    op("activities", "undoActivity", "Mark a done activity pending again")
        .describe("As `rex activity undo`: recorded in the deal's history as `activity_undone`. A pending activity is answered as it is. The body may be left out or be an empty object: it has no fields.")
        .id("activity")
        .optional_body("ActivityUndo")
        .idempotent()
        .answer(
            200,
            "The activity, pending",
            Some(schema("Activity")),
            &["ETag"],
        )
        .errors(&[403])
        .done()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn spec() -> Value {
        serde_json::from_str(&super::super::text(&crate::serve::routes())).unwrap()
    }

    fn names(params: &Value) -> Vec<&str> {
        params
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn the_list_parameters_are_those_the_handlers_take() {
        let spec = spec();
        let mut listed = names(&spec["paths"]["/activities"]["get"]["parameters"]);
        listed.sort();
        let mut taken = crate::serve::activities::LIST_PARAMS.to_vec();
        taken.sort();
        assert_eq!(listed, taken);
        let mut listed = names(&spec["paths"]["/deals/{id}/activities"]["get"]["parameters"]);
        listed.sort();
        let mut taken = crate::serve::activities::DEAL_LIST_PARAMS.to_vec();
        taken.sort();
        assert_eq!(listed, taken);
    }

    #[test]
    fn an_activity_is_described_with_the_fields_activity_show_prints_in_their_order() {
        let spec = spec();
        let activity = &spec["components"]["schemas"]["Activity"];
        let names: Vec<&str> = activity["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, crate::output::ACTIVITY_VIEW_FIELDS);
        assert_eq!(activity["required"].as_array().unwrap().len(), names.len());
    }

    #[test]
    fn every_kind_of_history_event_is_described() {
        let spec = spec();
        let kinds = &spec["components"]["schemas"]["EventKind"]["enum"];
        assert_eq!(kinds, &serde_json::json!(crate::record::event::ALL));
    }
}
