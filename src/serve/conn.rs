//! Connections: a client that sends nothing, or stops reading what it asked for, is cut
//! off, so that idle sockets cannot use up the server's file descriptors and an unread
//! export cannot hold a worker (hyper's own header timeout starts only at a request's
//! first byte).

use std::io;
use std::pin::Pin;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_io_timeout::TimeoutStream;

/// An acceptor that gives every connection a read and a write timeout.
#[derive(Debug, Clone, Copy)]
pub struct Idle(pub Duration);

impl<S> axum_server::accept::Accept<TcpStream, S> for Idle {
    type Stream = Pin<Box<TimeoutStream<TcpStream>>>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Self::Stream, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let _ = stream.set_nodelay(true);
        let mut stream = TimeoutStream::new(stream);
        stream.set_read_timeout(Some(self.0));
        stream.set_write_timeout(Some(self.0));
        std::future::ready(Ok((Box::pin(stream), service)))
    }
}
