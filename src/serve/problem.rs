//! Errors as HTTP answers: RFC 9457 `application/problem+json`, each with rex's one-line
//! message as its `detail` and a stable `code`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

/// The media type of an error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field of a request that was refused, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// Stable: `invalid`, `not_found`, `conflict`, `busy`, `unavailable`, `unauthorized`,
    /// `forbidden`, `precondition_failed`, `too_large`, `not_allowed`, `internal`.
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Seconds a client should wait before retrying (503).
    pub retry_after: Option<u32>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

pub type ApiResult<T> = std::result::Result<T, Problem>;

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Problem {
        Problem {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// Well-formed but invalid input (422), naming the field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Problem {
        let message = message.into();
        Problem {
            errors: vec![FieldError {
                field: field.to_string(),
                message: message.clone(),
            }],
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
    }

    /// A request that is not even well-formed (400): not JSON, a body that is not an object.
    pub fn malformed(message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "invalid", message)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// For invalid input that names no field yet: the first of `fields` its message
    /// speaks of (`stage_id` for "no stage named …"), else `body`.
    pub fn guess_field(self, fields: &[&str]) -> Problem {
        if !self.errors.is_empty() || self.status != StatusCode::UNPROCESSABLE_ENTITY {
            return self;
        }
        let lower = self.detail.to_ascii_lowercase();
        let found = fields
            .iter()
            .filter_map(|f| {
                let word = f.trim_end_matches("_id").replace('_', " ");
                lower.find(&word).map(|at| (at, *f))
            })
            .min();
        let field = found.map_or("body", |(_, f)| f).to_string();
        self.in_field(&field)
    }

    /// Marks the error as one of `field` of the request (a usage error becomes 422 with it).
    pub fn in_field(mut self, field: &str) -> Problem {
        if self.errors.is_empty() && self.status == StatusCode::UNPROCESSABLE_ENTITY {
            self.errors.push(FieldError {
                field: field.to_string(),
                message: self.detail.clone(),
            });
        }
        self
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        let detail = e.to_string();
        match e {
            Error::Usage(_) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail),
            Error::NotFound(_) => Problem::not_found(detail),
            Error::Conflict(_) => Problem::new(StatusCode::CONFLICT, "conflict", detail),
            Error::Forbidden(_) => Problem::forbidden(detail),
            Error::Precondition(_) => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                detail,
            ),
            Error::Busy(_) => Problem {
                retry_after: Some(1),
                ..Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail)
            },
            Error::Unusable(_) | Error::Storage(_) => {
                // Said in full on the server's stderr; a client is not told where the
                // database is.
                crate::output::say_line(&format!("rex serve: {detail}"));
                Problem {
                    retry_after: Some(5),
                    ..Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "unavailable",
                        "the database cannot be used right now; try again later",
                    )
                }
            }
            Error::Failed(_) | Error::BrokenPipe | Error::Silent(_) => {
                // Said on the server's stderr, never to the client.
                crate::output::say_line(&format!("rex serve: internal error: {detail}"));
                internal()
            }
        }
    }
}

/// A failure the client can do nothing about, said without the internals.
pub fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed to answer; the request may be retried",
    )
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = Body {
            kind: "about:blank",
            title,
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
            errors: &self.errors,
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        let mut response = (self.status, text).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
