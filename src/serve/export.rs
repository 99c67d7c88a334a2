//! `GET /export`: the database as JSON Lines, exactly as `rex export` writes them, streamed:
//! one read transaction on a blocking thread writes through the same printer into a
//! bounded channel that the response's body reads, so memory holds a few chunks whatever
//! the size of the database, and a client that goes away stops the export.

use std::io::{self, BufWriter, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::app::Shared;
use super::problem::{ApiResult, Problem};
use super::reports::Query;
use crate::error::Error;
use crate::output::{ColorChoice, Format, Options, Printer};
use crate::transfer::{self, What};

/// The media type of JSON Lines.
const JSONL: &str = "application/jsonl";

/// The bytes of one chunk: what `rex export` buffers before each write to stdout.
const CHUNK: usize = 1 << 16;

/// Chunks written ahead of a slow client.
const AHEAD: usize = 4;

/// What the export's thread sends: a chunk of lines, or the error that ended it.
enum Piece {
    Lines(Bytes),
    Failed(Error),
}

/// `GET /export`: everything (pipelines, deals, history), or `deals=true` or
/// `pipelines=true` alone, as `rex export --deals`/`--pipelines` write them.
pub async fn export(State(app): State<Shared>, RawQuery(raw): RawQuery) -> ApiResult<Response> {
    let q = Query::new(raw.as_deref(), &["deals", "pipelines", "all"])?;
    let what = match (q.flag("deals")?, q.flag("pipelines")?, q.flag("all")?) {
        (false, false, _) => What::All,
        (true, false, false) => What::Deals,
        (false, true, false) => What::Pipelines,
        _ => {
            return Err(Problem::invalid(
                "deals",
                "give one of deals=true, pipelines=true or all=true",
            ))
        }
    };
    let (to, mut from) = mpsc::channel::<Piece>(AHEAD);
    let failed = to.clone();
    let now = app.clock().now();
    let patience = app.read_timeout;
    let writer = app.clone();
    tokio::spawn(async move {
        let done = writer
            .with_store(move |store| {
                let options = Options {
                    format: Some(Format::Jsonl),
                    color: ColorChoice::Never,
                    quiet: true,
                    fields: Vec::new(),
                };
                let out = BufWriter::with_capacity(CHUNK, Sender(to, patience));
                let mut printer = Printer::new(&options, now)
                    .redirect(Box::new(out))
                    .buffered();
                store.read(|tx| transfer::write_export(tx, &mut printer, what, false))
            })
            .await;
        if let Err(e) = done {
            // Nobody reads a failure after the client went away.
            let _ = failed.send(Piece::Failed(e)).await;
        }
    });
    // The first chunk decides the status: a failure before any line is an error answer;
    // after one, the body ends unfinished, which a client sees as a broken transfer.
    let first = match from.recv().await {
        Some(Piece::Failed(e)) => return Err(Problem::from(e)),
        first => first,
    };
    let mut response = (
        StatusCode::OK,
        Body::new(Stream {
            first: first.and_then(|p| match p {
                Piece::Lines(b) => Some(b),
                Piece::Failed(_) => None,
            }),
            from,
        }),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSONL));
    Ok(response)
}

/// Where the printer writes: each chunk to the channel, waiting while it is full (this
/// runs on a blocking thread). A closed channel is a client gone: a broken pipe, as for a
/// `rex export | head`. A client that takes nothing for `--read-timeout` is given up on, so
/// that an unread export does not keep its turn at the database (and its transaction).
struct Sender(mpsc::Sender<Piece>, std::time::Duration);

impl Write for Sender {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let piece = Piece::Lines(Bytes::copy_from_slice(buf));
        tokio::runtime::Handle::current()
            .block_on(self.0.send_timeout(piece, self.1))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The response's body: the chunks as they come, ended by an error when the export failed.
struct Stream {
    first: Option<Bytes>,
    from: mpsc::Receiver<Piece>,
}

impl http_body::Body for Stream {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(first))));
        }
        self.from.poll_recv(cx).map(|piece| {
            piece.map(|p| match p {
                Piece::Lines(b) => Ok(http_body::Frame::data(b)),
                Piece::Failed(e) => {
                    crate::output::say_line(&format!("rex serve: GET /export failed: {e}"));
                    Err(io::Error::other("the export failed"))
                }
            })
        })
    }
}
