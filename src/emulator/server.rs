//! The hyper accept loop, the per-request pipeline and the routing.

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::faults::{AWS_ERROR_NAMESPACE, Fault, StreamScript};
use super::responses::{self, ApiError, Endpoint, MessagesRequest};
use super::sigv4::{self, RequestView, VerifyOptions};
use super::stream::{self, BodyError, EventBody, EventStream};
use super::{RecordedRequest, Shared};

/// Largest request body accepted (the Messages API limit).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// How long shutdown waits for in-flight requests before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The response body type: buffered, or a stream of server-sent events
/// (which may fail, to cut the connection).
type ResBody = BoxBody<Bytes, BodyError>;

/// The body of a [`Reply`].
#[derive(Debug)]
pub(crate) enum ReplyBody {
    /// A complete body.
    Full(Bytes),
    /// Server-sent events, sent frame by frame (boxed to keep `Reply`
    /// small).
    Events(Box<EventStream>),
}

/// What the server answers, before it becomes a hyper response.
#[derive(Debug)]
pub(crate) struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: ReplyBody,
    /// The `x-amzn-requestid` sent (empty when none was).
    aws_request_id: String,
    /// The `request-id` sent, when the Claude API (not the front door)
    /// answered.
    anthropic_request_id: Option<String>,
}

impl Reply {
    /// A JSON answer from the Claude API (with both request ids).
    fn anthropic_json(shared: &Shared, status: u16, body: &Value) -> Self {
        let aws_id = shared.ids.aws();
        let request_id = shared.ids.anthropic();
        Reply {
            status,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
                ("request-id".to_owned(), request_id.clone()),
            ],
            body: ReplyBody::Full(Bytes::from(body.to_string())),
            aws_request_id: aws_id,
            anthropic_request_id: Some(request_id),
        }
    }

    /// A Claude API error; its body repeats the `request-id`.
    fn anthropic_error(
        shared: &Shared,
        status: u16,
        error_type: &str,
        message: &str,
        details: Option<&Value>,
    ) -> Self {
        let mut reply = Reply::anthropic_json(shared, status, &Value::Null);
        let mut error = json!({ "type": error_type, "message": message });
        if let (Some(details), Some(obj)) = (details, error.as_object_mut()) {
            obj.insert("details".to_owned(), details.clone());
        }
        let body = json!({
            "type": "error",
            "error": error,
            "request_id": reply.anthropic_request_id,
        });
        reply.body = ReplyBody::Full(Bytes::from(body.to_string()));
        reply
    }

    /// A `200` stream of server-sent events answering `request`, shaped by
    /// `script`.
    fn event_stream(shared: &Shared, request: &MessagesRequest, script: &StreamScript) -> Self {
        let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let plan = responses::answer_plan(request);
        let message = responses::message_json(request, &plan, number);
        let aws_id = shared.ids.aws();
        let request_id = shared.ids.anthropic();
        let events = stream::event_stream(&message, &plan, script, &request_id);
        Reply {
            status: 200,
            headers: vec![
                ("content-type".to_owned(), "text/event-stream".to_owned()),
                ("cache-control".to_owned(), "no-cache".to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
                ("request-id".to_owned(), request_id.clone()),
            ],
            body: ReplyBody::Events(Box::new(events)),
            aws_request_id: aws_id,
            anthropic_request_id: Some(request_id),
        }
    }

    fn api_error(shared: &Shared, error: &ApiError) -> Self {
        Reply::anthropic_error(shared, error.status, error.error_type, &error.message, None)
    }

    /// An error from the AWS front door: `x-amzn-errortype`, `x-amzn-requestid`,
    /// `{"message": ..}`, no `request-id`.
    fn aws_error(shared: &Shared, status: u16, error_type: &str, message: &str) -> Self {
        let aws_id = shared.ids.aws();
        Reply {
            status,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-errortype".to_owned(), error_type.to_owned()),
                ("x-amzn-requestid".to_owned(), aws_id.clone()),
            ],
            body: ReplyBody::Full(Bytes::from(json!({ "message": message }).to_string())),
            aws_request_id: aws_id,
            anthropic_request_id: None,
        }
    }

    /// The answer to a queued fault.
    fn from_fault(shared: &Shared, fault: Fault) -> Self {
        match fault {
            // Unreachable: `answer` never pops a stream fault (streaming
            // requests take theirs in `create_message`). A 500 rather than a
            // panic, should that ever change.
            Fault::Stream(_) => Reply::anthropic_error(
                shared,
                500,
                "api_error",
                "a stream fault answered a request it was not meant for",
                None,
            ),
            Fault::Anthropic {
                status,
                error_type,
                message,
                details,
            } => Reply::anthropic_error(shared, status, &error_type, &message, details.as_ref()),
            Fault::AwsFrontDoor {
                status,
                error_type,
                message,
            } => Reply::aws_error(
                shared,
                status,
                &format!("{error_type}{AWS_ERROR_NAMESPACE}"),
                &message,
            ),
            Fault::Raw {
                status,
                headers,
                body,
            } => {
                let find = |name: &str| {
                    headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.clone())
                };
                Reply {
                    status,
                    aws_request_id: find("x-amzn-requestid").unwrap_or_default(),
                    anthropic_request_id: find("request-id"),
                    headers,
                    body: ReplyBody::Full(body),
                }
            }
        }
    }

    /// Turns the reply into a hyper response. Invalid statuses become 500;
    /// headers that are not valid HTTP, or that would break the framing
    /// (`content-length`, `transfer-encoding`), are skipped.
    fn into_response(self) -> Response<ResBody> {
        let body = match self.body {
            ReplyBody::Full(bytes) => Full::new(bytes)
                .map_err(|never: Infallible| match never {})
                .boxed(),
            ReplyBody::Events(events) => EventBody::new(*events).boxed(),
        };
        let mut response = Response::new(body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                continue;
            };
            if name == hyper::header::CONTENT_LENGTH || name == hyper::header::TRANSFER_ENCODING {
                continue;
            }
            headers.append(name, value);
        }
        response
    }
}

/// A received request, fully buffered.
struct Received {
    method: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Received {
    fn view(&self) -> RequestView<'_> {
        RequestView::new(
            &self.method,
            &self.path_and_query,
            &self.headers,
            &self.body,
        )
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn path(&self) -> &str {
        self.view().path()
    }
}

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

/// One request: count, buffer, answer, record.
async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<ResBody> {
    shared.request_count.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
    let (body, body_error) = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => (collected.to_bytes(), None),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => (
            Bytes::new(),
            Some(ApiError {
                status: 413,
                error_type: "request_too_large",
                message: format!("Request exceeds the maximum size of {MAX_BODY_BYTES} bytes"),
            }),
        ),
        Err(e) => (
            Bytes::new(),
            Some(ApiError::invalid_request(format!(
                "could not read the request body: {e}"
            ))),
        ),
    };
    let received = Received {
        method: parts.method.as_str().to_owned(),
        path_and_query,
        headers,
        body,
    };

    let reply = match body_error {
        Some(error) => Reply::api_error(shared, &error),
        None => answer(shared, &received),
    };

    let record = RecordedRequest {
        method: received.method,
        path_and_query: received.path_and_query,
        headers: received.headers,
        body: received.body,
        status: reply.status,
        aws_request_id: reply.aws_request_id.clone(),
        anthropic_request_id: reply.anthropic_request_id.clone(),
    };
    shared
        .state
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .requests
        .push(record);
    reply.into_response()
}

/// The pipeline: queued fault, authentication, workspace and version
/// checks, then routing.
fn answer(shared: &Shared, request: &Received) -> Reply {
    let fault = {
        let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        match state.faults.front() {
            // Waits for a streaming request that passes verification.
            None | Some(Fault::Stream(_)) => None,
            Some(_) => state.faults.pop_front(),
        }
    };
    if let Some(fault) = fault {
        return Reply::from_fault(shared, fault);
    }
    if let Err(reply) = authenticate(shared, request) {
        return reply;
    }
    match request.header("anthropic-workspace-id").map(str::trim) {
        None | Some("") => {
            return Reply::api_error(
                shared,
                &ApiError::invalid_request("anthropic-workspace-id header is required"),
            );
        }
        Some(id) if id != shared.config.workspace_id => {
            return Reply::api_error(
                shared,
                &ApiError::not_found(format!("workspace '{id}' was not found")),
            );
        }
        Some(_) => {}
    }
    if request
        .header("anthropic-version")
        .is_none_or(|v| v.trim().is_empty())
    {
        return Reply::api_error(
            shared,
            &ApiError::invalid_request("anthropic-version: header is required"),
        );
    }
    route(shared, request)
}

/// Step 3: API key or SigV4.
fn authenticate(shared: &Shared, request: &Received) -> Result<(), Reply> {
    let authorization = request.header("authorization").map(str::trim);
    let api_key = match authorization {
        Some(value) => match value.split_once(' ') {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => Some(key.trim()),
            _ => None,
        },
        None => request.header("x-api-key").map(str::trim),
    };
    if let Some(key) = api_key {
        let known = shared
            .config
            .api_keys
            .iter()
            .any(|k| sigv4::constant_time_eq(k.as_bytes(), key.as_bytes()));
        return if known {
            Ok(())
        } else {
            Err(Reply::anthropic_error(
                shared,
                401,
                "authentication_error",
                "invalid API key",
                None,
            ))
        };
    }
    if authorization.is_none() {
        return Err(Reply::aws_error(
            shared,
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    }
    let mut options = VerifyOptions::new(
        shared.config.region.clone(),
        sigv4::SERVICE,
        SystemTime::now(),
    );
    options.date_window = shared.config.date_window;
    match sigv4::verify(&request.view(), &shared.config.credentials, &options) {
        Ok(_) => Ok(()),
        Err(e) => Err(Reply::aws_error(
            shared,
            e.kind.status(),
            e.kind.error_type(),
            &e.message,
        )),
    }
}

/// Step 5: the endpoints.
fn route(shared: &Shared, request: &Received) -> Reply {
    let path = request.path();
    let method = request.method.as_str();
    let result = match path {
        "/v1/messages" => match method {
            "POST" => return create_message(shared, request),
            _ => Err(ApiError::method_not_allowed(method, path)),
        },
        "/v1/messages/count_tokens" => match method {
            "POST" => responses::parse_messages_request(&request.body, Endpoint::CountTokens)
                .map(|r| responses::count_tokens_body(&r)),
            _ => Err(ApiError::method_not_allowed(method, path)),
        },
        "/v1/models" => match method {
            "GET" => responses::list_models(&query_pairs(request.view().query())),
            _ => Err(ApiError::method_not_allowed(method, path)),
        },
        _ => match path.strip_prefix("/v1/models/") {
            Some(id) if !id.is_empty() && !id.contains('/') => match method {
                "GET" => {
                    let id =
                        String::from_utf8_lossy(&sigv4::percent_decode(id, false)).into_owned();
                    responses::get_model(&id)
                }
                _ => Err(ApiError::method_not_allowed(method, path)),
            },
            _ => Err(ApiError::not_found(format!(
                "Not found: {method} {}",
                truncate_path(path)
            ))),
        },
    };
    match result {
        Ok(body) => Reply::anthropic_json(shared, 200, &body),
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// `POST /v1/messages`: a JSON Message, or with `"stream": true` its
/// events, shaped by a [`Fault::Stream`] if one is at the head of the queue.
fn create_message(shared: &Shared, request: &Received) -> Reply {
    let parsed = match responses::parse_messages_request(&request.body, Endpoint::Messages) {
        Ok(parsed) => parsed,
        Err(error) => return Reply::api_error(shared, &error),
    };
    if parsed.stream {
        let script = {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            match state.faults.front() {
                Some(Fault::Stream(_)) => match state.faults.pop_front() {
                    Some(Fault::Stream(script)) => Some(script),
                    _ => None,
                },
                _ => None,
            }
        };
        return Reply::event_stream(shared, &parsed, &script.unwrap_or_default());
    }
    let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
    Reply::anthropic_json(shared, 200, &responses::message_body(&parsed, number))
}

/// Decoded `name=value` pairs of a query string (`+` is a space).
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                String::from_utf8_lossy(&sigv4::percent_decode(k, true)).into_owned(),
                String::from_utf8_lossy(&sigv4::percent_decode(v, true)).into_owned(),
            )
        })
        .collect()
}

fn truncate_path(path: &str) -> String {
    if path.chars().count() > 200 {
        let mut s: String = path.chars().take(200).collect();
        s.push('…');
        s
    } else {
        path.to_owned()
    }
}
