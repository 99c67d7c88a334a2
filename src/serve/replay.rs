//! Safe retries of `POST`: with an `Idempotency-Key`, the same key and body within 24 hours
//! get the first response back and create nothing more. The response is kept in the same
//! transaction as the change it reports, so a change is never kept without its response or
//! the other way round; a second request with the key waits for the first's transaction
//! (SQLite's write lock, PostgreSQL's unique key) and then finds its response.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::app::Shared;
use super::auth::Caller;
use super::body;
use super::problem::{ApiResult, Problem};
use crate::clock::Clock;
use crate::error::Result;
use crate::ops::token::{self, Replay};
use crate::store::Tx;

/// Runs `make` (which writes and returns the response it made) once per idempotency key:
/// a retry with the key gets the kept response back.
pub async fn once(
    app: &Shared,
    caller: &Caller,
    headers: &HeaderMap,
    path: &str,
    sent: &Bytes,
    mut make: impl FnMut(&dyn Tx, &Clock) -> Result<Replay> + Send + 'static,
) -> ApiResult<Response> {
    let key = body::idempotency_key(headers)?;
    let hash = request_hash(path, sent);
    let scope = caller.name.clone();
    let clock = app.clock();
    let (kept, replayed) = app
        .write(&caller.name, move |tx| {
            if let Some(key) = &key {
                if let Some(kept) = token::replay(tx, &clock, &scope, key)? {
                    return Ok((kept, true));
                }
            }
            let mut made = make(tx, &clock)?;
            made.request_hash = hash.clone();
            if let Some(key) = &key {
                token::save_replay(tx, &clock, &scope, key, &made)?;
            }
            Ok((made, false))
        })
        .await?;
    if replayed && kept.request_hash != request_hash(path, sent) {
        return Err(Problem::invalid(
            "Idempotency-Key",
            "this Idempotency-Key was used for another request; send a new key for a new request",
        ));
    }
    Ok(respond(&kept))
}

/// The hash that tells one request from another: its path and body.
fn request_hash(path: &str, sent: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(path.as_bytes());
    h.update([0]);
    h.update(sent);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A kept response as it is sent (again).
fn respond(kept: &Replay) -> Response {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
    let mut response = (status, kept.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(tag) = HeaderValue::from_str(&body::etag(kept.body.as_bytes())) {
        headers.insert(header::ETAG, tag);
    }
    if let Some(loc) = kept
        .location
        .as_deref()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        headers.insert(header::LOCATION, loc);
    }
    response
}

/// A response to keep: `status`, the body, and where the record made lives.
pub fn made(status: StatusCode, body: String, location: Option<String>) -> Replay {
    Replay {
        request_hash: String::new(),
        status: status.as_u16(),
        location,
        body,
    }
}
