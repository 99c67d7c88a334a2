//! What a request carries: a JSON body (strict: a key given twice is refused, as rex
//! refuses it everywhere), query parameters, and the headers of conditional and retried
//! requests.

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::app::Shared;
use super::problem::{ApiResult, Problem};
use axum::http::StatusCode;

/// A request's body, read whole within `--read-timeout` and `--max-body` (else 408 or 413):
/// a slow or endless client cannot hold a worker.
pub struct Sent(pub Bytes);

impl axum::extract::FromRequest<Shared> for Sent {
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, app: &Shared) -> ApiResult<Sent> {
        let too_large = || {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "the body is over {} bytes (rex serve --max-body)",
                    app.max_body
                ),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > app.max_body as u64) {
            return Err(too_large());
        }
        let read = axum::body::to_bytes(req.into_body(), app.max_body);
        match tokio::time::timeout(app.read_timeout, read).await {
            Err(_) => Err(Problem::new(
                StatusCode::REQUEST_TIMEOUT,
                "invalid",
                "the request's body did not arrive in time (rex serve --read-timeout)",
            )),
            Ok(Err(e)) => {
                let over = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                Err(match over {
                    true => too_large(),
                    false => Problem::malformed("the request's body could not be read"),
                })
            }
            Ok(Ok(bytes)) => Ok(Sent(bytes)),
        }
    }
}

/// The media types a body may be sent as.
const JSON_TYPES: [&str; 2] = ["application/json", "application/merge-patch+json"];

/// The body as a JSON object, refused when it is not JSON (400) or not an object (400).
pub fn object(headers: &HeaderMap, body: &Bytes) -> ApiResult<Map<String, Value>> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match kind.as_deref() {
        Some(k) if JSON_TYPES.contains(&k) => {}
        _ => {
            return Err(Problem::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid",
                "send the body as Content-Type: application/json",
            ))
        }
    }
    let text =
        std::str::from_utf8(body).map_err(|_| Problem::malformed("the body is not UTF-8 text"))?;
    let value = crate::json::parse(text, crate::json::MAX_DEPTH + 1).map_err(|r| {
        Problem::malformed(format!(
            "the body is not valid JSON: {}",
            r.describe("body")
        ))
    })?;
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(Problem::malformed("the body must be a JSON object")),
    }
}

/// The body's fields as `T`, each refusal naming its field (422).
pub fn fields<T: DeserializeOwned>(m: Map<String, Value>) -> ApiResult<T> {
    serde_path_to_error::deserialize(Value::Object(m)).map_err(|e| {
        let path = e.path().to_string();
        let said = e.inner().to_string().replace('`', "'");
        // A missing or unknown field is named by serde's message; a wrong value by the path.
        let named = said.split('\'').nth(1).unwrap_or("body").to_string();
        let (field, message) = match path.as_str() {
            "." | "" if said.starts_with("missing field") => {
                (named.clone(), format!("{named} is required"))
            }
            "." | "" => (named, said),
            _ if said.starts_with("unknown field") => (named, said),
            p => {
                let top = p.split(['.', '[']).next().unwrap_or(p).to_string();
                (top.clone(), format!("{top} must be {}", expected(&top)))
            }
        };
        Problem::invalid(&field, message)
    })
}

/// What a body's field holds, as an error says it.
fn expected(field: &str) -> &'static str {
    match field {
        "value" => "a whole number of cents from 0, like 500000 for $5,000.00",
        "probability" => "a whole percent, 0 to 100",
        "expected_close" => "a date like 2026-03-31",
        "metadata" => "an object of keys and values",
        "stages" => "a list of stages, each an object with a name",
        "stall_days" => "a whole number of days",
        "due_date" => "a date like 2026-03-31",
        "duration_minutes" => "a whole number of minutes from 1 to 10080 (a week)",
        _ => "a string",
    }
}

/// The query string's parameters, in order (a parameter may repeat).
pub fn query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

/// Refuses a query parameter not in `known` (422), so that a misspelt filter is not
/// silently ignored.
pub fn known_only(params: &[(String, String)], known: &[&str]) -> ApiResult<()> {
    for (k, _) in params {
        if !known.contains(&k.as_str()) {
            return Err(Problem::invalid(
                k,
                format!(
                    "unknown query parameter '{}'; known: {}",
                    crate::output::one_line(k),
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The one value of parameter `name`, refusing it twice.
pub fn single<'a>(params: &'a [(String, String)], name: &str) -> ApiResult<Option<&'a str>> {
    let mut found = params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = found.next();
    if found.next().is_some() {
        return Err(Problem::invalid(name, format!("give {name} once")));
    }
    Ok(first)
}

/// The entity tags of `If-Match`, if sent: `*` or a list of strong tags.
pub fn if_match(headers: &HeaderMap) -> ApiResult<Option<Vec<String>>> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .map_err(|_| Problem::malformed("If-Match is not text"))?;
    Ok(Some(
        text.split(',').map(|t| t.trim().to_string()).collect(),
    ))
}

/// Whether `tags` (of `If-Match`) admit the record whose tag is `current`: strong
/// comparison, so a weak tag never matches.
pub fn matches(tags: &[String], current: &str) -> bool {
    tags.iter().any(|t| t == "*" || t == current)
}

/// Refuses a change (412) when `If-Match` was sent and does not admit the record as it
/// is now: `what` and `id` name it, and `now` renders the body a GET of it returns (read
/// inside the change's transaction, so nothing can change between check and write).
pub fn admit(
    tags: &Option<Vec<String>>,
    what: &str,
    id: impl std::fmt::Display,
    now: impl FnOnce() -> crate::error::Result<String>,
) -> crate::error::Result<()> {
    let Some(tags) = tags else { return Ok(()) };
    let current = etag(now()?.as_bytes());
    if matches(tags, &current) {
        return Ok(());
    }
    Err(crate::error::Error::Precondition(format!(
        "{what} {id} has changed since it was read (its ETag is {current}); read it again and resend"
    )))
}

/// The `Idempotency-Key` header, if sent (at most 255 visible characters).
pub fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            Problem::invalid(
                "Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible characters",
            )
        })?;
    Ok(Some(key.to_string()))
}

/// A strong entity tag of a response body: a hash of its bytes.
pub fn etag(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}
