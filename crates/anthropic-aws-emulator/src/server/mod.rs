//! The HTTP server: the accept loop and connection handling (here), then
//! for each request, in order of the modules: `received` (the body, read
//! within the limit the `router` gives its route), `pipeline` (fault queue, scenario, `auth`, workspace and
//! version, giving the `effects` the answer must have), `router` (method +
//! path to a handler, among the routes each family declares in its
//! `routes.rs` with the types of `route`: [`Route`], and the [`Call`] a
//! handler answers) and `reply` (what is answered, and how it becomes a
//! hyper response).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use bytes::Bytes;

use crate::error::ApiError;
use crate::recorded::{AuthOutcome, RecordedRequest};
use crate::state::Shared;

mod auth;
pub(crate) mod effects;
mod gate;
mod pipeline;
pub(crate) mod received;
pub(crate) mod reply;
mod route;
mod router;
mod upload_body;

use pipeline::Answered;
use received::{ReadError, Received};
use reply::Reply;

pub(crate) use gate::Inbound;
pub(crate) use gate::{api_error, unread};
pub(crate) use received::is_sensitive_header;
pub(crate) use received::{BodyBudget, DEFAULT_BODY_BUDGET};
pub(crate) use reply::ResBody;
pub(crate) use route::{BodyRule, Call, Route};
pub(crate) use upload_body::Tap;

/// How long shutdown waits for in-flight requests before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How long a request's headers may take to arrive.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Accepts connections (at most
/// [`max_connections`](crate::EmulatorBuilder::max_connections) at once) until
/// `shutdown` fires, then lets in-flight requests finish (for up to
/// [`SHUTDOWN_GRACE`]).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(shared.config.limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = accept(&listener, &slots) => match accepted {
                Ok((stream, slot)) => {
                    let connection = serve_connection(stream, Arc::clone(&shared), shutdown.clone());
                    connections.spawn(async move {
                        connection.await;
                        drop(slot);
                    });
                }
                // Typically out of file descriptors: back off and keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, drain).await;
    // Those still running past the grace are aborted, and awaited so that they are gone
    // (their connections closed, their share of `shared` dropped) when this returns.
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

/// The next connection, once a slot is free (clients beyond the limit wait
/// in the listen backlog). Cancel-safe: a slot taken without a connection
/// is given back.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(TcpStream, OwnedSemaphorePermit)> {
    let slot = Arc::clone(slots)
        .acquire_owned()
        .await
        .map_err(std::io::Error::other)?;
    let (stream, _peer) = listener.accept().await?;
    Ok((stream, slot))
}

/// Serves one connection until the client closes it or shutdown fires
/// (then after its request in flight, if any). Headers must arrive within
/// [`HEADER_READ_TIMEOUT`], bodies within the configured body timeout.
async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(handle(&shared, request).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    if *shutdown.borrow_and_update() {
        connection.as_mut().graceful_shutdown();
    } else {
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = shutdown.changed() => connection.as_mut().graceful_shutdown(),
        }
    }
    let _ = connection.await;
}

/// One request: count, read the body, answer, wait if asked, record, log.
async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<ResBody> {
    let received_at = SystemTime::now();
    shared.request_count.fetch_add(1, Ordering::SeqCst);
    // Recording or replaying: the layer answers in front of the routes.
    if let Some(layer) = &shared.layer {
        return layer.handle(shared, request).await;
    }
    let (parts, body) = request.into_parts();
    let timeout = shared.config.limits.body_read_timeout;
    let (received, read) = match router::body_rule(parts.method.as_str(), parts.uri.path()) {
        BodyRule::Buffered(limit) => {
            Received::read(&parts, body, timeout, limit, &shared.body_budget).await
        }
        BodyRule::FileUpload => upload_body::read(&parts, body, timeout, &shared.files).await,
    };

    let answered = match read {
        Ok(()) => pipeline::answer(shared, &received),
        Err(error) => Answered {
            reply: unread_body(shared, &error),
            scenario: None,
            auth: AuthOutcome::Unchecked,
        },
    };
    if let Some(delay) = answered.reply.delay {
        tokio::time::sleep(delay).await;
    }
    record(shared, received, &answered, received_at);
    answered.reply.into_response(shared.config.clock.now())
}

/// The answer to a body that was not read in full; the connection is
/// closed after it (the rest of the body is never read).
fn unread_body(shared: &Shared, error: &ReadError) -> Reply {
    let mut reply = match error {
        ReadError::TooLarge(limit) => Reply::api_error(
            shared,
            &ApiError::too_large(format!("Request exceeds the maximum size of {limit} bytes")),
        ),
        ReadError::TimedOut(after) => Reply::aws_error(
            shared,
            408,
            "RequestTimeoutException",
            &format!(
                "The request body did not arrive within {} s",
                after.as_secs_f64()
            ),
        ),
        ReadError::Broken(e) => Reply::api_error(
            shared,
            &ApiError::invalid_request(format!("could not read the request body: {e}")),
        ),
    };
    reply
        .headers
        .push(("connection".to_owned(), "close".to_owned()));
    reply
}

/// Keeps the request and its answer in memory (metadata, and the body only
/// when recording bodies and the credentials were accepted) and writes it
/// to the request log, as configured.
fn record(shared: &Shared, received: Received, answered: &Answered, received_at: SystemTime) {
    let fast = shared.config.fast;
    if fast && shared.log.is_none() {
        return;
    }
    let (auth, access_key_id) = auth::auth_of(&received);
    let attempt = received
        .header("x-stainless-retry-count")
        .and_then(|v| v.trim().parse().ok());
    let keep_body =
        !fast && shared.config.limits.record_bodies && answered.auth == AuthOutcome::Accepted;
    let reply = &answered.reply;
    let record = RecordedRequest {
        method: received.method,
        path_and_query: received.path_and_query,
        headers: if fast { Vec::new() } else { received.headers },
        body: if keep_body {
            received.body
        } else {
            Bytes::new()
        },
        body_len: received.body_len,
        body_sha256: received.body_sha256,
        status: reply.status,
        aws_request_id: reply.aws_request_id.clone(),
        anthropic_request_id: reply.anthropic_request_id.clone(),
        received_at,
        auth,
        auth_outcome: answered.auth,
        access_key_id,
        verdict: reply.verdict.clone(),
        attempt,
        scenario: answered.scenario.clone(),
    };
    if let Some(log) = &shared.log {
        log.write(&record);
    }
    if !fast {
        shared.record(record);
    }
}
