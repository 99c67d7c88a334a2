//! `GET /openapi.json`: the API described as OpenAPI 3.1, built with `utoipa` from the
//! route table ([`super::routes`]): each route carries the function that describes it, so
//! the document names exactly the paths the router serves. The body and answer types are
//! described by `ToSchema` derives (deals.rs for bodies, schemas.rs for answers); the
//! committed `openapi.json` is this document, and a test fails when the two differ.

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{HttpMethod, Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{
    ArrayBuilder, ComponentsBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Content, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr, Required,
};
use utoipa::ToSchema;

pub mod activities;
pub mod pipelines;

use super::problem::PROBLEM_JSON;
use super::schemas;
use super::Route;

/// The name of the security scheme every path but `/health` requires.
const BEARER: &str = "bearerAuth";

/// `GET /openapi.json`, built once per process.
pub async fn serve() -> Response {
    static TEXT: OnceLock<String> = OnceLock::new();
    let text = TEXT.get_or_init(|| text(&super::routes()));
    let mut response = (StatusCode::OK, text.clone()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The document as the committed `openapi.json` holds it: pretty, with a final newline.
pub fn text(routes: &[Route]) -> String {
    let mut text = document(routes).to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

/// The OpenAPI document of `routes`.
pub fn document(routes: &[Route]) -> OpenApi {
    let mut paths = PathsBuilder::new().build();
    for r in routes {
        paths.add_path_operation(r.path, vec![http_method(&r.method)], (r.doc)());
    }
    let mut schemas = Vec::new();
    collect::<schemas::Deal>(&mut schemas);
    collect::<schemas::DealPage>(&mut schemas);
    collect::<super::deals::NewDealBody>(&mut schemas);
    collect::<DealPatch>(&mut schemas);
    collect::<super::deals::NoteBody>(&mut schemas);
    collect::<schemas::Event>(&mut schemas);
    collect::<schemas::Problem>(&mut schemas);
    collect::<schemas::Health>(&mut schemas);
    if routes.iter().any(|r| r.path.starts_with("/pipelines")) {
        pipelines::schemas(&mut schemas);
    }
    if routes.iter().any(|r| r.path.starts_with("/activities")) {
        activities::schemas(&mut schemas);
    }
    for (name, schema) in &mut schemas {
        if name == "Deal" {
            describe_deal(schema);
        }
    }
    let mut components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rex_ and 43 letters and digits (rex token create)")
                    .build(),
            ),
        );
    for (status, about) in ERRORS {
        components = components.response(status.to_string(), error_response(status, about));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("rex")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(ABOUT))
                .build(),
        )
        .paths(paths)
        .components(Some(components.build()))
        .build()
}

const ABOUT: &str = "The REST API of rex, a command-line CRM, served by `rex serve` on the \
database the CLI uses: deals in integer cents moving through pipelines. Every answer is the \
JSON the CLI prints with `-o json`; errors are RFC 9457 problems with a stable `code`. Every \
path but `/health` needs `Authorization: Bearer TOKEN` (`rex token create`).";

/// Describes each field of the deal's schema as `rex help fields` does (record/fields.rs),
/// so that the words are written once.
fn describe_deal(schema: &mut RefOr<Schema>) {
    let RefOr::T(Schema::Object(deal)) = schema else {
        return;
    };
    let fields = crate::record::DEAL_FIELDS
        .iter()
        .chain(crate::record::SHOWN_DEAL_FIELDS.iter());
    for f in fields {
        match deal.properties.get_mut(f.name) {
            Some(RefOr::T(Schema::Object(o))) => o.description = Some(f.about.to_string()),
            Some(RefOr::Ref(r)) => r.description = f.about.to_string(),
            _ => {}
        }
    }
}

/// A schema and the schemas it refers to.
fn collect<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

fn http_method(m: &axum::http::Method) -> HttpMethod {
    match m.as_str() {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        "HEAD" => HttpMethod::Head,
        "OPTIONS" => HttpMethod::Options,
        _ => HttpMethod::Get,
    }
}

/// The error answers, each a problem (`application/problem+json`) and a reusable response
/// of the document named by its status.
const ERRORS: [(u16, &str); 10] = [
    (400, "The request is malformed: the body is not JSON, or not an object"),
    (
        401,
        "No token, a malformed Authorization header, or a token unknown, revoked or expired",
    ),
    (403, "The token's role does not allow this"),
    (404, "The path names nothing"),
    (
        409,
        "Conflicts with the data: a stage of another pipeline, a name taken, a stage holding deals, or a retry while the first request with its Idempotency-Key is still running",
    ),
    (
        412,
        "If-Match does not match the record's ETag: it changed since it was read; nothing was changed",
    ),
    (413, "The body is over the limit (rex serve --max-body)"),
    (415, "The body is not sent as application/json"),
    (
        422,
        "Well-formed but invalid: `errors` names each field refused (an id that names nothing, a value out of range, an unknown field or query parameter, an Idempotency-Key reused for another request)",
    ),
    (
        503,
        "The database is busy or unavailable, or the request took too long: retry after Retry-After seconds",
    ),
];

fn error_response(status: u16, about: &str) -> utoipa::openapi::Response {
    let mut r = ResponseBuilder::new().description(about).content(
        PROBLEM_JSON,
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    if status == 401 {
        r = r.header(
            "WWW-Authenticate",
            text_header("Always `Bearer`: how to authenticate"),
        );
    }
    if status == 503 {
        r = r.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some("Seconds to wait before retrying"))
                .build(),
        );
    }
    r.build()
}

fn text_header(about: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(about))
        .build()
}

/// One operation of the document, described step by step.
pub struct Doc(Operation);

/// An operation with its tag (the group it is listed under), id and one-line summary; it
/// needs a token unless [`Doc::open`] says otherwise.
fn op(tag: &str, id: &str, summary: &str) -> Doc {
    let mut o = Operation::new();
    o.tags = Some(vec![tag.to_string()]);
    o.operation_id = Some(id.to_string());
    o.summary = Some(summary.to_string());
    o.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    Doc(o)
}

impl Doc {
    fn describe(mut self, text: &str) -> Doc {
        self.0.description = Some(text.to_string());
        self
    }

    /// Served without a token.
    fn open(mut self) -> Doc {
        self.0.security = None;
        self
    }

    fn parameter(mut self, p: utoipa::openapi::path::Parameter) -> Doc {
        self.0.parameters.get_or_insert_with(Vec::new).push(p);
        self
    }

    /// The `{id}` of the path: the id of a `what` (`deal`), which is all an id path takes.
    fn id(self, what: &str) -> Doc {
        self.parameter(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(format!("The {what}'s id ({what}_…)")))
                .schema(Some(
                    string().pattern(Some(format!("^{what}_[0-9a-z]{{26}}$"))),
                ))
                .build(),
        )
        .errors(&[404])
    }

    /// An optional query parameter.
    fn query(self, name: &str, schema: impl Into<RefOr<Schema>>, about: &str) -> Doc {
        self.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(about))
                .schema(Some(schema))
                .build(),
        )
    }

    /// An optional request header.
    fn header(self, name: &str, schema: ObjectBuilder, about: &str) -> Doc {
        self.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(about))
                .schema(Some(schema))
                .build(),
        )
    }

    /// `Idempotency-Key`: a retried POST is answered as the first was.
    fn idempotent(self) -> Doc {
        self.header(
            "Idempotency-Key",
            string().min_length(Some(1)).max_length(Some(255)),
            "Makes a retry safe: the same key and body within 24 hours (per token) get the first answer again, as it was then, and create nothing more; the same key with another body is 422; a retry while the first is still running waits for it, or gets 409",
        )
        .errors(&[409])
    }

    /// `If-Match`: the change is made only while the record's ETag is one of these (412).
    fn conditional(self) -> Doc {
        self.header(
            "If-Match",
            string(),
            "Change only if the record's ETag is this one (or `*`); otherwise 412 and nothing changes",
        )
        .errors(&[412])
    }

    /// A JSON body of schema `name`, sent as any of `types`.
    fn body(self, name: &str, types: &[&str]) -> Doc {
        self.body_of(name, types, Required::True)
    }

    /// A JSON body of schema `name` that may be left out.
    fn optional_body(self, name: &str) -> Doc {
        self.body_of(name, &["application/json"], Required::False)
    }

    fn body_of(mut self, name: &str, types: &[&str], required: Required) -> Doc {
        let mut b = RequestBodyBuilder::new().required(Some(required));
        for t in types {
            b = b.content(*t, Content::new(Some(Ref::from_schema_name(name))));
        }
        self.0.request_body = Some(b.build());
        self.errors(&[400, 413, 415, 422])
    }

    /// The success answer: `status`, what it is, its JSON (a schema name, or none), and its
    /// headers.
    fn answer(
        mut self,
        status: u16,
        about: &str,
        json: Option<RefOr<Schema>>,
        headers: &[&str],
    ) -> Doc {
        let mut r = ResponseBuilder::new().description(about);
        if let Some(schema) = json {
            r = r.content("application/json", Content::new(Some(schema)));
        }
        for h in headers {
            r = r.header(*h, answer_header(h));
        }
        self.0
            .responses
            .responses
            .insert(status.to_string(), r.build().into());
        self
    }

    /// The success answer in another media type than JSON.
    fn answer_as(mut self, status: u16, about: &str, media: &str, body: ObjectBuilder) -> Doc {
        let r = ResponseBuilder::new()
            .description(about)
            .content(media, Content::new(Some(body)));
        self.0
            .responses
            .responses
            .insert(status.to_string(), r.build().into());
        self
    }

    /// The errors this operation may answer, beyond those every operation with a token may
    /// (401, 503).
    fn errors(mut self, statuses: &[u16]) -> Doc {
        for s in statuses {
            self.0.responses.responses.insert(
                s.to_string(),
                RefOr::Ref(Ref::new(format!("#/components/responses/{s}"))),
            );
        }
        self
    }

    pub fn done(self) -> Operation {
        let needs_token = self.0.security.is_some();
        let mut d = self.errors(&[503]);
        if needs_token {
            d = d.errors(&[401]);
        }
        d.0
    }
}

fn answer_header(name: &str) -> Header {
    match name {
        "ETag" => text_header(
            "A strong tag of the record as answered: send it as If-Match to change it only as read",
        ),
        "Location" => text_header("The path of the record created"),
        _ => text_header(name),
    }
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn schema(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

fn list_of(name: &str) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name(name))
        .into()
}

fn date() -> ObjectBuilder {
    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

fn one_of(values: &[&str]) -> ObjectBuilder {
    string().enum_values(Some(values.iter().copied()))
}

/// The body of `PATCH /deals/{id}`: a JSON merge patch (RFC 7396) of a deal.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[schema(as = DealPatch)]
#[allow(dead_code)]
struct DealPatch {
    #[schema(required = false, schema_with = schemas::name)]
    name: String,
    /// In cents.
    #[schema(required = false, minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    value: i64,
    /// Moves the deal to this pipeline (to `stage_id`, else its first stage).
    #[schema(required = false, pattern = r"^pipeline_[0-9a-z]{26}$")]
    pipeline_id: String,
    /// Moves the deal to this stage.
    #[schema(required = false, pattern = r"^stage_[0-9a-z]{26}$")]
    stage_id: String,
    /// null removes it.
    #[schema(schema_with = schemas::line_or_null)]
    contact_id: Option<String>,
    /// null removes it.
    #[schema(schema_with = schemas::line_or_null)]
    owner_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    expected_close: Option<String>,
    /// Merged key by key: a key set to null is removed.
    #[schema(required = false, value_type = Object)]
    metadata: serde_json::Map<String, serde_json::Value>,
    /// null: the stage's.
    #[schema(minimum = 0, maximum = 100)]
    probability: Option<i64>,
    /// Closes (`won`, `lost`), reopens (`open`) or stalls (`stalled`) the deal.
    #[schema(required = false)]
    status: schemas::Status,
    /// Why it was won or lost.
    #[schema(schema_with = schemas::reason_or_null)]
    close_reason: Option<String>,
}

// The operations, in the order of the route table.

pub fn create_deal() -> Operation {
    op("deals", "createDeal", "Create a deal")
        .describe("The fields of `rex deal create`; a member token's deals are its owner's.")
        .body("NewDeal", &["application/json"])
        .idempotent()
        .answer(
            201,
            "The deal created, as `rex deal show -o json` prints it",
            Some(schema("Deal")),
            &["ETag", "Location"],
        )
        .errors(&[403, 409])
        .done()
}

pub fn list_deals() -> Operation {
    op("deals", "listDeals", "List deals, a page at a time")
        .describe("The filters of `rex deal list`, named as the deal's JSON fields.")
        .query("status", ArrayBuilder::new().items(one_of(&["open", "won", "lost", "stalled", "active"])), "Only deals of these statuses (repeatable, or comma-separated); `active` is open and stalled")
        .query("pipeline_id", string(), "Only deals in this pipeline (id or name)")
        .query("stage_id", string(), "Only deals in this stage (id or name)")
        .query("owner_id", string(), "Only this owner's deals")
        .query("contact_id", string(), "Only deals with this contact")
        .query("search", string(), "Only deals whose name holds this text")
        .query("expected_close_before", date(), "Only deals expected to close before this date")
        .query("expected_close_after", date(), "Only deals expected to close after this date")
        .query("updated_since", string(), "Only deals updated at or after this time or date")
        .query("min_value", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)), "Only deals worth at least this, in cents")
        .query("max_value", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)), "Only deals worth at most this, in cents")
        .query("overdue", ObjectBuilder::new().schema_type(Type::Boolean), "Only active deals past their expected close")
        .query("no_next_step", ObjectBuilder::new().schema_type(Type::Boolean), "Only active deals without a pending activity (no next step)")
        .query("sort", one_of(&["created_at", "updated_at", "value", "expected_close", "name", "stage", "next_activity"]).default(Some("created_at".into())), "The order of the deals; `next_activity`: the soonest next step first, deals without one last in either order (no index holds it: each page sorts the deals the filters select)")
        .query("order", one_of(&["asc", "desc"]).default(Some("asc".into())), "Ascending or descending")
        .query("limit", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(crate::ops::deal::PAGE_MOST)).default(Some(50.into())), "Deals per page")
        .query("cursor", string(), "The `next_cursor` of the page before")
        .answer(200, "A page of deals", Some(schema("DealPage")), &[])
        .errors(&[422])
        .done()
}

pub fn show_deal() -> Operation {
    op("deals", "showDeal", "A deal")
        .id("deal")
        .answer(
            200,
            "The deal, as `rex deal show -o json` prints it",
            Some(schema("Deal")),
            &["ETag"],
        )
        .done()
}

pub fn patch_deal() -> Operation {
    op("deals", "patchDeal", "Change, move, close or reopen a deal")
        .describe("A JSON merge patch (RFC 7396): `null` removes an optional field; `metadata` merges key by key. Each change is recorded in history as the CLI records it.")
        .id("deal")
        .conditional()
        .body("DealPatch", &["application/merge-patch+json", "application/json"])
        .answer(200, "The deal as it is now", Some(schema("Deal")), &["ETag"])
        .errors(&[403, 409])
        .done()
}

pub fn delete_deal() -> Operation {
    op("deals", "deleteDeal", "Delete a deal and its history")
        .id("deal")
        .conditional()
        .answer(204, "Deleted", None, &[])
        .errors(&[403])
        .done()
}

pub fn deal_history() -> Operation {
    op("deals", "dealHistory", "A deal's history, oldest first")
        .id("deal")
        .answer(
            200,
            "As `rex deal history -o json` prints it",
            Some(list_of("Event")),
            &[],
        )
        .done()
}

pub fn note_deal() -> Operation {
    op("deals", "noteDeal", "Add a note to a deal's history")
        .id("deal")
        .body("Note", &["application/json"])
        .idempotent()
        .answer(
            201,
            "The note as its history holds it",
            Some(schema("Event")),
            &[],
        )
        .errors(&[403])
        .done()
}

pub fn health() -> Operation {
    op(
        "server",
        "health",
        "Whether the server and its database answer",
    )
    .open()
    .answer(200, "The database answers", Some(schema("Health")), &[])
    .done()
}

pub fn openapi() -> Operation {
    op("server", "openapi", "This document")
        .answer(
            200,
            "OpenAPI 3.1",
            Some(ObjectBuilder::new().schema_type(Type::Object).into()),
            &[],
        )
        .done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn spec() -> Value {
        serde_json::from_str(&text(&crate::serve::routes())).unwrap()
    }

    #[test]
    fn every_route_the_router_serves_is_in_the_spec_and_no_other() {
        let spec = spec();
        let mut documented: Vec<String> = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| format!("{} {path}", m.to_uppercase()))
            })
            .collect();
        let mut served: Vec<String> = crate::serve::routes()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        documented.sort();
        served.sort();
        assert_eq!(documented, served);
        assert!(served.contains(&"GET /openapi.json".to_string()));
    }

    #[test]
    fn every_path_but_health_needs_a_token_and_may_be_refused_without_one() {
        let spec = spec();
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, o) in item.as_object().unwrap() {
                let open = path == "/health";
                assert_eq!(o["security"].is_null(), open, "{method} {path}");
                assert_eq!(o["responses"]["401"].is_null(), open, "{method} {path}");
                assert!(o["responses"]["503"].is_object(), "{method} {path}");
            }
        }
    }

    #[test]
    fn a_deal_is_described_with_the_fields_deal_show_prints_in_their_order() {
        let spec = spec();
        let deal = &spec["components"]["schemas"]["Deal"];
        let names: Vec<&str> = deal["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, crate::record::SHOWN_DEAL_FIELD_NAMES);
        let required: Vec<&str> = deal["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let always: Vec<&str> = names.iter().copied().filter(|n| *n != "origin").collect();
        assert_eq!(required, always);
    }

    #[test]
    fn the_list_parameters_are_those_the_handler_takes() {
        let spec = spec();
        let params: Vec<&str> = spec["paths"]["/deals"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(params, super::super::deals::LIST_PARAMS);
    }
}
