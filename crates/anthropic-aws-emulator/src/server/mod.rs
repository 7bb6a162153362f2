//! The HTTP server: the accept loop and connection handling (here), then
//! for each request, in order of the modules: `received` (the body, read
//! within limits), `pipeline` (fault queue, scenario, `auth`, workspace and
//! version, giving the `effects` the answer must have), `router` (method +
//! path to a handler of `routes/`) and `reply`
//! (what is answered, and how it becomes a hyper response).

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
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::recorded::RecordedRequest;
use crate::state::Shared;

mod auth;
mod effects;
mod pipeline;
mod received;
mod reply;
mod router;
mod routes;

use received::Received;
use reply::{Reply, ResBody};

/// How long shutdown waits for in-flight requests before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Accepts connections until `shutdown` fires, then lets in-flight
/// requests finish (for up to [`SHUTDOWN_GRACE`]).
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared), shutdown.clone()));
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
    connections.abort_all();
}

/// Serves one connection until the client closes it or shutdown fires
/// (then after its request in flight, if any).
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
    builder.timer(TokioTimer::new());
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
    let (parts, body) = request.into_parts();
    let (received, body_error) = Received::read(&parts, body).await;

    let (reply, scenario) = match body_error {
        Some(error) => (Reply::api_error(shared, &error), None),
        None => pipeline::answer(shared, &received),
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    record(shared, received, &reply, received_at, scenario);
    reply.into_response(shared.config.clock.now())
}

/// Keeps `received` and its answer in memory and writes it to the request
/// log, as configured.
fn record(
    shared: &Shared,
    received: Received,
    reply: &Reply,
    received_at: SystemTime,
    scenario: Option<String>,
) {
    let fast = shared.config.fast;
    if fast && shared.log.is_none() {
        return;
    }
    let (auth, access_key_id) = auth::auth_of(&received);
    let attempt = received
        .header("x-stainless-retry-count")
        .and_then(|v| v.trim().parse().ok());
    let record = RecordedRequest {
        method: received.method,
        path_and_query: received.path_and_query,
        headers: if fast { Vec::new() } else { received.headers },
        body: if fast {
            bytes::Bytes::new()
        } else {
            received.body
        },
        status: reply.status,
        aws_request_id: reply.aws_request_id.clone(),
        anthropic_request_id: reply.anthropic_request_id.clone(),
        received_at,
        auth,
        access_key_id,
        verdict: reply.verdict.clone(),
        attempt,
        scenario,
    };
    if let Some(log) = &shared.log {
        log.write(&record);
    }
    if !fast {
        shared.state().requests.push_back(record);
    }
}
