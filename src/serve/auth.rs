//! Who is calling: the bearer token of each request, checked against the database on every
//! request (so a revoked token is refused from the next request on, by every server), and
//! what its role lets it do. Also the request log, which names the token but never its
//! secret or a query's values.

use std::io::Write;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::app::Shared;
use super::problem::{ApiResult, Problem};
use crate::ops::token::{self, Role, Token};
use crate::record::Deal;

/// The caller of a request, as its token says.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's name (what the log and a SQLite history name).
    pub name: String,
    pub role: Role,
    /// A member's owner; a reader's or admin's when the token names one.
    pub owner: Option<String>,
}

/// The token's name a response carries for the request log.
#[derive(Debug, Clone)]
struct LoggedAs(String);

impl Caller {
    /// Everyone, with `--open`.
    fn open() -> Caller {
        Caller {
            name: "open".into(),
            role: Role::Admin,
            owner: None,
        }
    }

    /// Whether `owner` (a deal's or an activity's; None: nobody) is a member token's own:
    /// the same owner ignoring case, as owners are matched everywhere. Any other role may
    /// give records to anyone.
    pub fn may_own(&self, owner: Option<&str>) -> bool {
        use crate::record::name_key;
        self.role != Role::Member
            || matches!((owner, &self.owner), (Some(o), Some(me)) if name_key(o) == name_key(me))
    }

    /// Refuses a reader any write.
    pub fn may_write(&self) -> ApiResult<()> {
        match self.role {
            Role::Reader => Err(Problem::forbidden(format!(
                "token {} is a reader: it may only read (GET)",
                self.name
            ))),
            Role::Member | Role::Admin => Ok(()),
        }
    }

    /// Refuses anyone but an admin (pipeline changes).
    pub fn may_admin(&self) -> ApiResult<()> {
        match self.role {
            Role::Admin => Ok(()),
            _ => Err(Problem::forbidden(format!(
                "token {} is a {}: only an admin token changes pipelines",
                self.name,
                role_name(self.role)
            ))),
        }
    }

    /// Refuses a member a deal that is not its owner's: what it may change.
    pub fn may_change(&self, deal: &Deal) -> crate::error::Result<()> {
        if self.role != Role::Member {
            return Ok(());
        }
        if self.may_own(deal.owner_id.as_deref()) {
            return Ok(());
        }
        let whose = deal
            .owner_id
            .as_deref()
            .map_or_else(|| "nobody".to_string(), crate::output::one_line);
        Err(crate::error::Error::Forbidden(format!(
            "deal {} belongs to {whose}; member token {} changes only {}'s deals",
            deal.id,
            self.name,
            self.owner
                .as_deref()
                .map_or_else(String::new, crate::output::one_line)
        )))
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Reader => "reader",
        Role::Member => "member",
        Role::Admin => "admin",
    }
}

/// Checks the bearer token (every path but `GET /health`) and hands the caller on.
pub async fn authenticate(State(app): State<Shared>, mut req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) && req.uri().path() == "/health" {
        return next.run(req).await;
    }
    // Two Authorization headers are refused as none: which one counts must not be a guess.
    let mut all = req.headers().get_all(header::AUTHORIZATION).iter();
    let sent = match (all.next(), all.next()) {
        (Some(h), None) => Some(h.to_str().map(str::to_string).unwrap_or_default()),
        (Some(_), Some(_)) => Some(String::new()),
        (None, _) => None,
    };
    let caller = match caller(&app, sent).await {
        Ok(c) => c,
        Err(p) => return p.into_response(),
    };
    let name = caller.name.clone();
    req.extensions_mut().insert(caller);
    let mut response = next.run(req).await;
    response.extensions_mut().insert(LoggedAs(name));
    response
}

/// The caller that the `Authorization` header (its text, when sent) names.
async fn caller(app: &Shared, sent: Option<String>) -> ApiResult<Caller> {
    if app.open {
        return Ok(Caller::open());
    }
    let header = sent.ok_or_else(|| {
        Problem::unauthorized("this needs Authorization: Bearer TOKEN (rex token create makes one)")
    })?;
    let secret = Some(header.as_str())
        .and_then(|h| {
            let (scheme, rest) = h.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Problem::unauthorized("Authorization must be 'Bearer TOKEN'"))?
        .to_string();
    let clock = app.clock();
    let found = app
        .read(move |tx| token::authenticate(tx, &clock, &secret))
        .await?;
    let Some(found) = found else {
        return Err(Problem::unauthorized(
            "the token is not known, revoked or expired",
        ));
    };
    touch(app, &found).await;
    Ok(Caller {
        name: found.name,
        role: found.role,
        owner: found.owner,
    })
}

/// Notes when a token was last used, at most once a minute; a failure to note it does not
/// fail the request.
async fn touch(app: &Shared, found: &Token) {
    let clock = app.clock();
    let stale = token::due_for_touch(&clock, found);
    if stale {
        let found = found.clone();
        let _ = app
            .write(&found.name.clone(), move |tx| {
                token::touch(tx, &clock, &found)
            })
            .await;
    }
}

/// Carries the token's name from one response to the one that replaces it.
pub fn carry_name(from: &Response, to: &mut Response) {
    if let Some(name) = from.extensions().get::<LoggedAs>() {
        to.extensions_mut().insert(name.clone());
    }
}

/// One line per request on stderr: time, method, path, status, milliseconds, token name.
/// The query string is left out: its values may be anyone's data.
pub async fn log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = crate::output::one_line(req.uri().path());
    let response = next.run(req).await;
    let ms = started.elapsed().as_millis();
    let who = response
        .extensions()
        .get::<LoggedAs>()
        .map_or_else(|| "-".to_string(), |n| crate::output::one_line(&n.0));
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let line = format!(
        "{at} {method} {path} {} {ms}ms {who}\n",
        response.status().as_u16()
    );
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    response
}
