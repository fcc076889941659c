//! Accepting connections: HTTP/1.1 over each with a bound on the time to
//! send a request's headers, a bound on how long a connection may sit
//! idle, and at most so many connections at once ([`Limits`]). A client
//! that opens connections and sends nothing, or sends a header a byte a
//! minute, holds a slot for a bounded time only; once every slot is
//! taken, new connections wait in the listen queue.
//!
//! A shutdown stops accepting, lets each connection finish the request
//! it is serving, and closes it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// Bounds on connections. The defaults are [`HEADER_TIMEOUT`],
/// [`IDLE_TIMEOUT`] and [`MAX_CONNECTIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest a client may take to send a request's headers, from
    /// the server starting to read them; then the connection is closed.
    pub header_timeout: Duration,
    /// The longest a connection may go without a byte read or written
    /// while no request on it is being answered; then it is closed.
    pub idle_timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

/// Default [`Limits::header_timeout`]: 10 seconds.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`Limits::idle_timeout`]: 60 seconds.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default [`Limits::max_connections`]: 512.
pub const MAX_CONNECTIONS: usize = 512;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then waits for the connections to finish their requests.
///
/// # Errors
/// Only if the connection limit's semaphore closes, which nothing does.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let service = TowerToHyperService::new(app);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before
                // it was accepted: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Requests being answered on this connection: a slow answer is
        // not idleness.
        let active = Arc::new(AtomicUsize::new(0));
        let io = TokioIo::new(Idle::new(stream, limits.idle_timeout, Arc::clone(&active)));
        let inner = service.clone();
        let counted = hyper::service::service_fn(move |req| {
            let answering = Answering::enter(&active);
            let answer = hyper::service::Service::call(&inner, req);
            async move {
                let r = answer.await;
                drop(answering);
                r
            }
        });
        let conn = graceful.watch(http.serve_connection(io, counted));
        tokio::spawn(async move {
            // A connection's error (reset, timed out) concerns it alone.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One request being answered, counted while it lives.
struct Answering(Arc<AtomicUsize>);

impl Answering {
    fn enter(count: &Arc<AtomicUsize>) -> Answering {
        count.fetch_add(1, Ordering::SeqCst);
        Answering(Arc::clone(count))
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A TCP stream that fails with `TimedOut` once it has gone `timeout`
/// without a byte read or written while no request on it was being
/// answered.
struct Idle {
    inner: TcpStream,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
    active: Arc<AtomicUsize>,
}

impl Idle {
    fn new(inner: TcpStream, timeout: Duration, active: Arc<AtomicUsize>) -> Idle {
        Idle {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            active,
        }
    }

    fn touch(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.timeout);
    }

    /// After the stream said `Pending`: an error if the deadline passed
    /// (its timer wakes this task when it does).
    fn expired<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if self.deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        if self.active.load(Ordering::SeqCst) > 0 {
            // Still answering: look again a timeout from now.
            self.touch();
            // The new deadline has not passed, so this only registers the
            // task to be woken at it.
            let _ = self.deadline.as_mut().poll(cx);
            return Poll::Pending;
        }
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the connection was idle too long",
        )))
    }
}

impl Idle {
    /// A write's outcome: progress moves the deadline, waiting is bounded
    /// by it.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        r: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match r {
            Poll::Ready(Ok(n)) => {
                self.touch();
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.expired(cx),
        }
    }
}

impl AsyncRead for Idle {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.touch();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.expired(cx),
        }
    }
}

impl AsyncWrite for Idle {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.wrote(cx, written)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.wrote(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
