//! The hyper accept loop, the per-request pipeline and the routing.

use std::borrow::Cow;
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
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::batches::{self, BatchAnswer, ResultsBody};
use super::faults::{AWS_ERROR_NAMESPACE, Fault, StreamScript};
use super::responses::{self, AnswerPlan, ApiError, Endpoint, MessagesRequest};
use super::scenario::{self, BodyKind, Scenario, ScenarioError};
use super::sigv4::{self, RequestView, VerifyOptions};
use super::stream::{self, BodyError, EventBody, EventStream, PartialBody};
use super::{RecordedRequest, RequestAuth, Shared};

/// Largest request body accepted (the Messages API limit).
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Longest `stream-text-bytes` text of a non-streaming answer (which is
/// built in memory).
const MAX_BUFFERED_TEXT_BYTES: u64 = 256 * 1024 * 1024;

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
    /// [`Fault::CutBody`]: `content-length: declared`, then only `sent`,
    /// then the connection is closed.
    Partial {
        /// The bytes sent.
        sent: Bytes,
        /// The length announced.
        declared: usize,
    },
    /// The results of a batch, written as they are sent.
    Results(ResultsBody),
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
    /// `ok` or what went wrong (see [`RecordedRequest::verdict`]).
    verdict: String,
    /// How long to wait before answering.
    delay: Option<Duration>,
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
            verdict: "ok".to_owned(),
            delay: None,
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
        error_type.clone_into(&mut reply.verdict);
        reply
    }

    /// A `200` stream of server-sent events answering `request` with
    /// `plan`, shaped by `script`.
    fn event_stream(
        shared: &Shared,
        request: &MessagesRequest,
        plan: &AnswerPlan,
        script: &StreamScript,
    ) -> Self {
        let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let message = responses::message_skeleton(request, plan, number);
        let aws_id = shared.ids.aws();
        let request_id = shared.ids.anthropic();
        let events = stream::event_stream(&message, plan, script, &request_id);
        let verdict = match (script.cut(), script.error()) {
            (Some(_), _) => "stream_cut".to_owned(),
            (None, Some(error)) => error.error_type.clone(),
            (None, None) => "ok".to_owned(),
        };
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
            verdict,
            delay: None,
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
            verdict: error_type
                .split_once(':')
                .map_or(error_type, |(name, _)| name)
                .to_owned(),
            delay: None,
        }
    }

    /// The answer to a queued error fault.
    fn from_fault(shared: &Shared, fault: Fault) -> Self {
        match fault {
            // Unreachable: `answer` never pops a stream fault (streaming
            // requests take theirs in `create_message`) and handles slow and
            // cut faults itself. A 500 rather than a panic, should that ever
            // change.
            Fault::Stream(_) | Fault::Slow(_) | Fault::CutBody => Reply::anthropic_error(
                shared,
                500,
                "api_error",
                "a fault answered a request it was not meant for",
                None,
            ),
            Fault::Anthropic {
                status,
                error_type,
                message,
                details,
                headers,
            } => {
                let mut reply =
                    Reply::anthropic_error(shared, status, &error_type, &message, details.as_ref());
                reply.headers.extend(headers);
                reply
            }
            Fault::AwsFrontDoor {
                status,
                error_type,
                message,
                headers,
            } => {
                let mut reply = Reply::aws_error(
                    shared,
                    status,
                    &format!("{error_type}{AWS_ERROR_NAMESPACE}"),
                    &message,
                );
                reply.headers.extend(headers);
                reply
            }
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
                let verdict = if status < 400 {
                    "ok".to_owned()
                } else if let Some(kind) = find("x-amzn-errortype") {
                    kind.split_once(':')
                        .map_or(kind.as_str(), |(n, _)| n)
                        .to_owned()
                } else {
                    serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| v["error"]["type"].as_str().map(str::to_owned))
                        .unwrap_or_else(|| scenario::type_of_status(status).to_owned())
                };
                Reply {
                    status,
                    aws_request_id: find("x-amzn-requestid").unwrap_or_default(),
                    anthropic_request_id: find("request-id"),
                    headers,
                    body: ReplyBody::Full(body),
                    verdict,
                    delay: None,
                }
            }
        }
    }

    /// The error answer of a scenario, with its extra headers and delay.
    fn from_scenario(shared: &Shared, scenario: &Scenario, error: ScenarioError) -> Self {
        let mut reply = match error {
            ScenarioError::Anthropic {
                status,
                error_type,
                message,
            } => Reply::anthropic_error(shared, status, &error_type, &message, None),
            ScenarioError::Aws {
                status,
                exception,
                message,
            } => Reply::aws_error(
                shared,
                status,
                &format!("{exception}{AWS_ERROR_NAMESPACE}"),
                &message,
            ),
            ScenarioError::Body { status, kind } => Reply::odd_body(shared, status, kind),
        };
        reply.headers.extend(scenario.extra_headers());
        reply.delay = scenario.delay;
        reply
    }

    /// A non-JSON answer (`body=`): a CDN's HTML page without request ids,
    /// or garbage / nothing under `content-type: application/json` with
    /// both request ids.
    fn odd_body(shared: &Shared, status: u16, kind: BodyKind) -> Self {
        let verdict = if status >= 400 {
            scenario::type_of_status(status).to_owned()
        } else {
            match kind {
                BodyKind::Html => "body_html",
                BodyKind::Garbage => "body_garbage",
                BodyKind::Empty => "body_empty",
            }
            .to_owned()
        };
        if kind == BodyKind::Html {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            let page = format!(
                "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n\
                 <center><h1>{status} {reason}</h1></center>\r\n<hr><center>CloudFront</center>\r\n\
                 </body>\r\n</html>\r\n"
            );
            return Reply {
                status,
                headers: vec![(
                    "content-type".to_owned(),
                    "text/html; charset=utf-8".to_owned(),
                )],
                body: ReplyBody::Full(Bytes::from(page)),
                aws_request_id: String::new(),
                anthropic_request_id: None,
                verdict,
                delay: None,
            };
        }
        let mut reply = Reply::anthropic_json(shared, status, &Value::Null);
        reply.body = ReplyBody::Full(match kind {
            BodyKind::Garbage => Bytes::from_static(b"\x00\xff<<garbage>> {\"type\":\"mess"),
            BodyKind::Html | BodyKind::Empty => Bytes::new(),
        });
        reply.verdict = verdict;
        reply
    }

    /// [`Fault::CutBody`]: a buffered body is sent only halfway (streams
    /// are cut by their script instead).
    fn cut_body(&mut self) {
        if let ReplyBody::Full(bytes) = &self.body {
            let declared = bytes.len();
            self.body = ReplyBody::Partial {
                sent: bytes.slice(..declared / 2),
                declared,
            };
            "body_cut".clone_into(&mut self.verdict);
        }
    }

    /// Turns the reply into a hyper response. Invalid statuses become 500;
    /// headers that are not valid HTTP, or that would break the framing
    /// (`content-length`, `transfer-encoding`), are skipped.
    ///
    /// A `date` header showing `now` is added unless the reply has one.
    fn into_response(self, now: SystemTime) -> Response<ResBody> {
        let mut declared = None;
        let body = match self.body {
            ReplyBody::Full(bytes) => Full::new(bytes)
                .map_err(|never: Infallible| match never {})
                .boxed(),
            ReplyBody::Events(events) => EventBody::new(*events).boxed(),
            ReplyBody::Results(results) => {
                results.map_err(|never: Infallible| match never {}).boxed()
            }
            ReplyBody::Partial { sent, declared: n } => {
                declared = Some(n);
                PartialBody::new(sent).boxed()
            }
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
        if let Some(n) = declared {
            headers.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(n));
        }
        if !headers.contains_key(hyper::header::DATE)
            && let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(now))
        {
            headers.insert(hyper::header::DATE, date);
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

/// One request: count, buffer, answer, wait if asked, record, log.
async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<ResBody> {
    let received_at = SystemTime::now();
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
    let limit = if batches::is_batch_path(parts.uri.path()) {
        batches::MAX_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let (body, body_error) = match Limited::new(body, limit).collect().await {
        Ok(collected) => (collected.to_bytes(), None),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => (
            Bytes::new(),
            Some(ApiError {
                status: 413,
                error_type: "request_too_large",
                message: format!("Request exceeds the maximum size of {limit} bytes"),
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

    let (reply, scenario) = match body_error {
        Some(error) => (Reply::api_error(shared, &error), None),
        None => answer(shared, &received),
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }

    let fast = shared.config.fast;
    if !fast || shared.log.is_some() {
        let (auth, access_key_id) = auth_of(&received);
        let attempt = received
            .header("x-stainless-retry-count")
            .and_then(|v| v.trim().parse().ok());
        let record = RecordedRequest {
            method: received.method,
            path_and_query: received.path_and_query,
            headers: if fast { Vec::new() } else { received.headers },
            body: if fast { Bytes::new() } else { received.body },
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
            shared
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .requests
                .push(record);
        }
    }
    reply.into_response(shared.config.clock.now())
}

/// How `request` tries to authenticate, and the SigV4 access key id it
/// names (never anything secret).
fn auth_of(request: &Received) -> (RequestAuth, Option<String>) {
    match request.header("authorization").map(str::trim) {
        Some(value) => match value.split_once(' ') {
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => {
                (RequestAuth::ApiKey, None)
            }
            _ => (
                RequestAuth::SigV4,
                sigv4::Authorization::parse(value)
                    .ok()
                    .map(|a| a.access_key_id),
            ),
        },
        None if request.header("x-api-key").is_some() => (RequestAuth::ApiKey, None),
        None => (RequestAuth::None, None),
    }
}

/// The pipeline: queued fault, then [`pipeline`]. Also returns the
/// request's scenario text, for the record.
fn answer(shared: &Shared, request: &Received) -> (Reply, Option<String>) {
    let scenario_text = scenario_text(request);
    let fault = {
        let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        match state.faults.front() {
            // Waits for a streaming request that passes verification.
            None | Some(Fault::Stream(_)) => None,
            Some(_) => state.faults.pop_front(),
        }
    };
    let mut delay = None;
    let mut cut = false;
    match fault {
        None => {}
        Some(Fault::Slow(by)) => delay = Some(by),
        Some(Fault::CutBody) => cut = true,
        Some(fault) => return (Reply::from_fault(shared, fault), scenario_text),
    }
    let mut reply = pipeline(
        shared,
        request,
        scenario_text.as_deref(),
        cut,
        delay.is_some() || cut,
    );
    reply.delay = match (reply.delay, delay) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    };
    if cut {
        reply.cut_body();
    }
    (reply, scenario_text)
}

/// The scenario of a request: its model's suffix (`model~scenario`, in the
/// JSON body of `POST /v1/messages` and `/v1/messages/count_tokens`) and its
/// `x-emulator-scenario` header.
fn scenario_text(request: &Received) -> Option<String> {
    #[derive(Deserialize)]
    struct ModelOnly<'a> {
        #[serde(borrow)]
        model: Option<Cow<'a, str>>,
    }
    let suffix = (request.method == "POST"
        && matches!(request.path(), "/v1/messages" | "/v1/messages/count_tokens")
        && request.body.contains(&b'~'))
    .then(|| serde_json::from_slice::<ModelOnly<'_>>(&request.body).ok())
    .flatten()
    .and_then(|m| m.model)
    .and_then(|model| scenario::split_model(&model).1.map(str::to_owned));
    scenario::combine(suffix.as_deref(), request.header(scenario::HEADER))
}

/// Whether a scenario's faults hit this request: always without `times`,
/// else for the first `times` requests carrying the same scenario text.
pub(crate) fn scenario_active(shared: &Shared, scenario: &Scenario) -> bool {
    let Some(times) = scenario.times else {
        return true;
    };
    if !scenario.has_faults() {
        return true;
    }
    let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
    let hits = state
        .scenario_hits
        .entry(scenario.text.clone())
        .or_insert(0);
    *hits = hits.saturating_add(1);
    *hits <= times
}

/// What a scenario and the fault queue ask of the answer itself.
struct Effects<'a> {
    scenario: Option<&'a Scenario>,
    /// Whether the scenario's faults hit this request.
    active: bool,
    /// [`Fault::CutBody`] was taken.
    cut_body: bool,
    /// A queued fault ([`Fault::Slow`] or [`Fault::CutBody`]) was taken
    /// already: a [`Fault::Stream`] behind it waits for the next request.
    queue_used: bool,
}

/// The scenario, a front-door (`aws=`) scenario error, authentication,
/// workspace and version checks (not in fast mode), other scenario errors,
/// then routing.
fn pipeline(
    shared: &Shared,
    request: &Received,
    scenario_text: Option<&str>,
    cut_body: bool,
    queue_used: bool,
) -> Reply {
    let scenario = match scenario_text.map(scenario::parse).transpose() {
        Ok(scenario) => scenario,
        Err(message) => {
            return Reply::api_error(
                shared,
                &ApiError::invalid_request(format!("emulator scenario: {message}")),
            );
        }
    };
    let mut active = None;
    if let Some(s) = scenario.as_ref().filter(|s| s.is_front_door()) {
        let hit = scenario_active(shared, s);
        active = Some(hit);
        if hit && let Some(error) = s.error() {
            return Reply::from_scenario(shared, s, error);
        }
    }
    if !shared.config.fast
        && let Err(reply) = verify(shared, request)
    {
        return *reply;
    }
    let active = match (&scenario, active) {
        (_, Some(hit)) => hit,
        (Some(s), None) => scenario_active(shared, s),
        (None, None) => false,
    };
    if let Some(s) = &scenario
        && active
        && let Some(error) = s.error()
    {
        return Reply::from_scenario(shared, s, error);
    }
    let effects = Effects {
        scenario: scenario.as_ref(),
        active,
        cut_body,
        queue_used,
    };
    let mut reply = route(shared, request, &effects);
    if active && let Some(delay) = scenario.as_ref().and_then(|s| s.delay) {
        reply.delay = Some(delay);
    }
    reply
}

/// Authentication, then the workspace and version headers.
fn verify(shared: &Shared, request: &Received) -> Result<(), Box<Reply>> {
    authenticate(shared, request)?;
    match request.header("anthropic-workspace-id").map(str::trim) {
        None | Some("") => {
            return Err(Box::new(Reply::api_error(
                shared,
                &ApiError::invalid_request("anthropic-workspace-id header is required"),
            )));
        }
        Some(id) if id != shared.config.workspace_id => {
            return Err(Box::new(Reply::api_error(
                shared,
                &ApiError::not_found(format!("workspace '{id}' was not found")),
            )));
        }
        Some(_) => {}
    }
    if request
        .header("anthropic-version")
        .is_none_or(|v| v.trim().is_empty())
    {
        return Err(Box::new(Reply::api_error(
            shared,
            &ApiError::invalid_request("anthropic-version: header is required"),
        )));
    }
    Ok(())
}

/// API key or SigV4.
fn authenticate(shared: &Shared, request: &Received) -> Result<(), Box<Reply>> {
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
            Err(Box::new(Reply::anthropic_error(
                shared,
                401,
                "authentication_error",
                "invalid API key",
                None,
            )))
        };
    }
    if authorization.is_none() {
        return Err(Box::new(Reply::aws_error(
            shared,
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )));
    }
    let mut options = VerifyOptions::new(
        shared.config.region.clone(),
        sigv4::SERVICE,
        shared.config.clock.now(),
    );
    options.date_window = shared.config.date_window;
    match sigv4::verify(&request.view(), &shared.config.credentials, &options) {
        Ok(_) => Ok(()),
        Err(e) => Err(Box::new(Reply::aws_error(
            shared,
            e.kind.status(),
            e.kind.error_type(),
            &e.message,
        ))),
    }
}

/// The endpoints.
fn route(shared: &Shared, request: &Received, effects: &Effects<'_>) -> Reply {
    let path = request.path();
    let method = request.method.as_str();
    if batches::is_batch_path(path) {
        let request = batches::BatchRequest {
            method,
            path,
            query: &query_pairs(request.view().query()),
            body: &request.body,
            scenario: effects.scenario,
        };
        return batch_reply(shared, batches::route(shared, &request));
    }
    let result = match path {
        "/v1/messages" => match method {
            "POST" => return create_message(shared, request, effects),
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

/// The answer of a batch route; results go as `application/binary`.
fn batch_reply(shared: &Shared, answer: Result<BatchAnswer, ApiError>) -> Reply {
    match answer {
        Ok(BatchAnswer::Json(body)) => Reply::anthropic_json(shared, 200, &body),
        Ok(BatchAnswer::Results(results)) => {
            let mut reply = Reply::anthropic_json(shared, 200, &Value::Null);
            reply.headers.retain(|(name, _)| name != "content-type");
            reply
                .headers
                .push(("content-type".to_owned(), "application/binary".to_owned()));
            reply.body = ReplyBody::Results(results);
            reply
        }
        Err(error) => Reply::api_error(shared, &error),
    }
}

/// The body of a request in fast mode: only what shapes the answer.
#[derive(Deserialize)]
struct FastBody<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    stream: Option<bool>,
}

/// `POST /v1/messages`: a JSON Message, or with `"stream": true` its
/// events, shaped by a [`Fault::Stream`] if one is at the head of the queue
/// and by the scenario.
fn create_message(shared: &Shared, request: &Received, effects: &Effects<'_>) -> Reply {
    let fast = shared.config.fast;
    let parsed = if fast {
        serde_json::from_slice::<FastBody<'_>>(&request.body)
            .map(|body| {
                MessagesRequest::fast(
                    body.model.map(Cow::into_owned).unwrap_or_default(),
                    body.stream.unwrap_or(false),
                    request.body.len(),
                )
            })
            .map_err(|e| ApiError::invalid_request(format!("request body is not valid JSON: {e}")))
    } else {
        responses::parse_messages_request(&request.body, Endpoint::Messages)
    };
    let mut parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return Reply::api_error(shared, &error),
    };
    if let (name, Some(_)) = scenario::split_model(&parsed.model) {
        parsed.model = name.to_owned();
    }
    parsed.text_bytes = effects.scenario.and_then(|s| s.text_bytes);
    parsed.text_delta_bytes = effects.scenario.and_then(|s| s.text_delta_bytes);
    let plan = if fast {
        responses::fast_plan(parsed.text_bytes, parsed.text_delta_bytes)
    } else {
        responses::answer_plan(&parsed)
    };
    if parsed.stream {
        let queued = if effects.queue_used {
            None
        } else {
            let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            match state.faults.front() {
                Some(Fault::Stream(_)) => match state.faults.pop_front() {
                    Some(Fault::Stream(script)) => Some(script),
                    _ => None,
                },
                _ => None,
            }
        };
        let mut script = queued.unwrap_or_default();
        if let Some(s) = effects.scenario {
            script = s.shape(script, effects.active);
        }
        if effects.cut_body {
            script = script.cut_after(1);
        }
        return Reply::event_stream(shared, &parsed, &plan, &script);
    }
    if parsed
        .text_bytes
        .is_some_and(|n| n > MAX_BUFFERED_TEXT_BYTES)
    {
        return Reply::api_error(
            shared,
            &ApiError::invalid_request(format!(
                "stream-text-bytes: at most {MAX_BUFFERED_TEXT_BYTES} bytes without \"stream\": true"
            )),
        );
    }
    let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
    Reply::anthropic_json(
        shared,
        200,
        &responses::message_json(&parsed, &plan, number),
    )
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
