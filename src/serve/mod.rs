//! `rex serve`: the product's REST API over HTTP, on the operations the CLI calls (axum on
//! tokio; the synchronous store runs on blocking threads). Nothing here runs unless `rex
//! serve` does: other commands never start a runtime.

mod activities;
mod app;
mod auth;
mod body;
mod conn;
mod deals;
mod export;
mod openapi;
mod pipelines;
mod problem;
mod replay;
mod reports;
mod schemas;

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Location;
use app::{App, Shared};
use problem::Problem;

/// How long requests in flight may take to finish after SIGINT or SIGTERM.
const GRACE: Duration = Duration::from_secs(10);

/// How `rex serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub location: Location,
    pub busy_timeout: Duration,
    /// REX_NOW, when set.
    pub fixed_now: Option<Clock>,
    pub listen: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub insecure_http: bool,
    pub cors: Option<String>,
    pub open: bool,
    pub quiet: bool,
    pub max_body: usize,
    pub read_timeout: Duration,
    pub request_timeout: Duration,
    pub max_concurrent: usize,
}

/// Serves until SIGINT or SIGTERM; then lets requests in flight finish and returns.
pub fn run(s: Settings) -> Result<()> {
    let addr = address(&s.listen)?;
    let loopback = addr.ip().is_loopback();
    if s.open && !loopback {
        return Err(Error::usage(format!(
            "--open serves without tokens, so only on a loopback address (127.0.0.1 or ::1), not {addr}; create tokens with rex token create"
        )));
    }
    if !loopback && s.tls.is_none() && !s.insecure_http {
        return Err(Error::usage(format!(
            "{addr} is reachable from other machines: give --tls-cert and --tls-key, or --insecure-http when a reverse proxy terminates TLS"
        )));
    }
    if s.max_concurrent == 0 || s.max_body == 0 {
        return Err(Error::usage(
            "--max-concurrent and --max-body must be at least 1",
        ));
    }
    if let Some(origin) = &s.cors {
        HeaderValue::from_str(origin)
            .ok()
            .filter(|_| is_origin(origin))
            .ok_or_else(|| {
                Error::usage(format!(
                    "--cors '{}' is not an origin; write it like https://app.example.com",
                    crate::output::one_line(origin)
                ))
            })?;
    }
    let app = Arc::new(App::new(
        s.location.clone(),
        s.busy_timeout,
        s.fixed_now,
        s.open,
        s.read_timeout,
        s.max_body,
        s.max_concurrent,
    ));
    app.check()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // A thread for each turn at a store, and a few to spare: a request gives its turn back
        // just before its thread is free again, so without a bound the next request starts
        // yet another thread (37 under 64 clients), and every thread that allocates gets a
        // heap of its own from the C allocator (half the server's memory).
        .max_blocking_threads(app.turns() + 4)
        .build()
        .map_err(|e| Error::Failed(format!("cannot start the server's runtime: {e}")))?;
    let served = runtime.block_on(serve(Arc::clone(&app), addr, s));
    // The stores (a PostgreSQL client runs a runtime of its own) are closed outside the
    // server's runtime, once it has stopped.
    drop(runtime);
    drop(app);
    served
}

/// Whether `text` is an origin: a scheme, a host and maybe a port, nothing after (a
/// browser sends exactly that, so anything else could never match).
fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The address `--listen` names.
fn address(text: &str) -> Result<SocketAddr> {
    let bad = || {
        Error::usage(format!(
            "--listen '{}' is not an address and port; write it like 127.0.0.1:7272 or 0.0.0.0:8080",
            crate::output::one_line(text)
        ))
    };
    text.to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

async fn serve(app: Shared, addr: SocketAddr, s: Settings) -> Result<()> {
    let listener = TcpListener::bind(addr).map_err(|e| {
        Error::Failed(format!(
            "cannot listen on {addr}: {e}; pick another --listen"
        ))
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Failed(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::Failed(format!("cannot listen on {addr}: {e}")))?;
    let router = router(app, &s);
    let handle = axum_server::Handle::new();
    tokio::spawn(stop_on_signal(handle.clone()));
    let scheme = if s.tls.is_some() { "https" } else { "http" };
    // A connection that sends or takes nothing for this long is closed: long enough for a
    // request the server is still working on (hyper may wait on the socket meanwhile).
    let idle = s.read_timeout + s.request_timeout;
    let service = router.into_make_service();
    match &s.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    Error::usage(format!(
                        "cannot use --tls-cert {} and --tls-key {}: {e}; give a PEM certificate chain and its private key",
                        cert.display(),
                        key.display()
                    ))
                })?;
            let mut server = axum_server::from_tcp_rustls(listener, config)
                .map(|tls| tls.acceptor(conn::Idle(idle)))
                .handle(handle);
            limits(server.http_builder(), &s);
            say_listening(scheme, bound);
            server.serve(service).await
        }
        None => {
            let mut server = axum_server::from_tcp(listener)
                .acceptor(conn::Idle(idle))
                .handle(handle);
            limits(server.http_builder(), &s);
            say_listening(scheme, bound);
            server.serve(service).await
        }
    }
    .map_err(|e| Error::Failed(format!("the server stopped: {e}")))
}

/// The first line on stderr, which scripts read the address from.
fn say_listening(scheme: &str, bound: SocketAddr) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "listening on {scheme}://{bound}");
    let _ = err.flush();
}

/// The connection's limits: how long a client may take to send its headers.
fn limits(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    s: &Settings,
) {
    // HTTP/1.1 only: HTTP/2 would need limits of its own, and clients speak 1.1.
    let one = std::mem::replace(
        builder,
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new()),
    );
    *builder = one.http1_only();
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(s.read_timeout);
}

async fn stop_on_signal(handle: axum_server::Handle) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    handle.graceful_shutdown(Some(GRACE));
}

/// One route of the API: its method and path, the handler that answers it, and the
/// function that describes it in the OpenAPI document. The router and `GET /openapi.json`
/// are both built from [`routes`], so the document lists exactly what is served.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<Shared>,
    pub doc: fn() -> utoipa::openapi::path::Operation,
}

fn route<H, T>(
    method: Method,
    path: &'static str,
    handler: H,
    doc: fn() -> utoipa::openapi::path::Operation,
) -> Route
where
    H: axum::handler::Handler<T, Shared>,
    T: 'static,
{
    // Every method of the table is a standard one, which a filter always exists for.
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        method,
        path,
        handler: on(filter, handler),
        doc,
    }
}

/// Every route of the API.
pub fn routes() -> Vec<Route> {
    use openapi as doc;
    use Method as M;
    vec![
        route(M::POST, "/deals", deals::create, doc::create_deal),
        route(M::GET, "/deals", deals::list, doc::list_deals),
        route(M::GET, "/deals/{id}", deals::show, doc::show_deal),
        route(M::PATCH, "/deals/{id}", deals::patch, doc::patch_deal),
        route(M::DELETE, "/deals/{id}", deals::delete, doc::delete_deal),
        route(
            M::GET,
            "/deals/{id}/history",
            deals::history,
            doc::deal_history,
        ),
        route(M::POST, "/deals/{id}/notes", deals::note, doc::note_deal),
        route(
            M::GET,
            "/deals/{id}/activities",
            activities::of_deal,
            doc::activities::deal_activities,
        ),
        route(
            M::POST,
            "/deals/{id}/activities",
            activities::create,
            doc::activities::create_activity,
        ),
        route(
            M::GET,
            "/activities",
            activities::list,
            doc::activities::list_activities,
        ),
        route(
            M::GET,
            "/activities/{id}",
            activities::show,
            doc::activities::show_activity,
        ),
        route(
            M::PATCH,
            "/activities/{id}",
            activities::patch,
            doc::activities::patch_activity,
        ),
        route(
            M::DELETE,
            "/activities/{id}",
            activities::delete,
            doc::activities::delete_activity,
        ),
        route(
            M::POST,
            "/activities/{id}/done",
            activities::done,
            doc::activities::done_activity,
        ),
        route(
            M::POST,
            "/activities/{id}/undo",
            activities::undo,
            doc::activities::undo_activity,
        ),
        route(M::GET, "/health", health, doc::health),
        route(M::GET, "/openapi.json", openapi::serve, doc::openapi),
        route(
            M::POST,
            "/pipelines",
            pipelines::create,
            doc::pipelines::create_pipeline,
        ),
        route(
            M::GET,
            "/pipelines",
            pipelines::list,
            doc::pipelines::list_pipelines,
        ),
        route(
            M::GET,
            "/pipelines/{id}",
            pipelines::show,
            doc::pipelines::show_pipeline,
        ),
        route(
            M::PATCH,
            "/pipelines/{id}",
            pipelines::patch,
            doc::pipelines::patch_pipeline,
        ),
        route(
            M::GET,
            "/pipelines/{id}/board",
            reports::board,
            doc::pipelines::board,
        ),
        route(M::GET, "/today", reports::today, doc::pipelines::today),
        route(
            M::GET,
            "/forecast",
            reports::forecast,
            doc::pipelines::forecast,
        ),
        route(
            M::GET,
            "/reports/wins",
            reports::wins,
            doc::pipelines::report_wins,
        ),
        route(
            M::GET,
            "/reports/stages",
            reports::stages,
            doc::pipelines::report_stages,
        ),
        route(
            M::GET,
            "/reports/lost-reasons",
            reports::lost_reasons,
            doc::pipelines::report_lost_reasons,
        ),
        route(M::GET, "/export", export::export, doc::pipelines::export),
    ]
}

/// Every route, with the layers every request passes: the log, CORS, the time limit, the
/// bound on concurrent requests, the body limit, and the token check.
fn router(app: Shared, s: &Settings) -> Router {
    let api = routes()
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            auth::authenticate,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            s.request_timeout,
        ))
        .layer(middleware::from_fn(as_problem))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            problem::internal().into_response()
        }))
        .with_state(app);
    let api = match &s.cors {
        Some(origin) => api.layer(cors(origin)),
        None => api,
    };
    match s.quiet {
        true => api,
        false => api.layer(middleware::from_fn(auth::log)),
    }
}

fn cors(origin: &str) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origin = HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("null"));
    CorsLayer::new()
        .allow_origin(AllowOrigin::list([origin]))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// `GET /health`: whether the database answers.
async fn health(axum::extract::State(app): axum::extract::State<Shared>) -> Response {
    match app.read(|tx| tx.schema_version()).await {
        Ok(_) => deals::json("{\"status\":\"ok\"}".into()),
        Err(e) => Problem::from(Error::Unusable(format!(
            "the database does not answer: {e}"
        )))
        .into_response(),
    }
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::not_found(format!(
        "no such path: {}; GET /openapi.json lists them",
        crate::output::one_line(uri.path())
    ))
}

async fn not_allowed(method: Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "not_allowed",
        format!(
            "{method} is not allowed on {}",
            crate::output::one_line(uri.path())
        ),
    )
}

/// Whatever error the stack itself answers (a body over the limit, a timeout, a body that
/// is not what a route takes) as a problem, like every other error.
async fn as_problem(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(problem::PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let p = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            status,
            "too_large",
            "the body is over the limit (rex serve --max-body)",
        ),
        StatusCode::REQUEST_TIMEOUT => Problem::new(
            status,
            "invalid",
            "the request's body did not arrive in time (rex serve --read-timeout)",
        ),
        StatusCode::SERVICE_UNAVAILABLE => Problem {
            retry_after: Some(1),
            ..Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the request took longer than the server allows (rex serve --request-timeout)",
            )
        },
        StatusCode::METHOD_NOT_ALLOWED => Problem::new(status, "not_allowed", "method not allowed"),
        s if s.is_server_error() => problem::internal(),
        s => Problem::new(s, "invalid", s.canonical_reason().unwrap_or("bad request")),
    };
    let mut out = p.into_response();
    auth::carry_name(&response, &mut out);
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}
