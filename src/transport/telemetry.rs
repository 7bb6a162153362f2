//! The request span, `anthropic_aws.request`, and the OpenTelemetry semantic conventions on
//! it, so that `tracing-opentelemetry` users get the standard attributes:
//!
//! | attribute | value |
//! |---|---|
//! | `gen_ai.provider.name` | `anthropic` |
//! | `gen_ai.operation.name` | `chat` (Messages), `count_tokens` (Token Counting) |
//! | `gen_ai.request.model` | the request's `model` |
//! | `gen_ai.response.id`, `gen_ai.response.model` | the message's `id` and `model` |
//! | `gen_ai.usage.input_tokens` | input tokens, cache reads and writes included |
//! | `gen_ai.usage.output_tokens` | output tokens |
//! | `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens` | the cache's share |
//! | `aws.request_id` | `x-amzn-requestid` (also `aws_request_id`) |
//! | `anthropic_request_id` | `request-id` |
//! | `http.request.method`, `http.response.status_code` | method and status (also `status`) |
//! | `server.address`, `server.port`, `url.path` | where the request went (also `path`) |
//! | `error.type` | the [`ErrorType`](crate::ErrorType) (`rate_limit_error`, ...), else the failure's kind (`timeout`, `connection`, ...) |
//! | `otel.name`, `otel.kind`, `otel.status_code` | read by `tracing-opentelemetry`: `chat {model}`, `client`, `ERROR` |
//!
//! The response's fields are recorded once known: IDs and status as the headers arrive, the
//! message's ID and usage when it is read (for a stream, as `message_start` and
//! `message_delta` pass by). Every decision about these names is here.

use reqwest::Url;
use tracing::{Span, field};

use super::Call;
use crate::error::Error;
use crate::request_id::RequestIds;
use crate::types::{Message, Usage};

/// `gen_ai.provider.name`.
const PROVIDER: &str = "anthropic";

/// What a call is in the GenAI conventions' terms: its operation and model.
#[derive(Clone, Debug)]
pub(crate) struct GenAi {
    operation: &'static str,
    model: String,
}

impl GenAi {
    /// A Messages call (`chat`).
    pub(crate) fn chat(model: &str) -> Self {
        Self {
            operation: "chat",
            model: model.to_owned(),
        }
    }

    /// A Token Counting call.
    pub(crate) fn count_tokens(model: &str) -> Self {
        Self {
            operation: "count_tokens",
            model: model.to_owned(),
        }
    }
}

/// The span a call runs in; fields not known yet are recorded later.
pub(crate) fn request_span(call: &Call<'_>) -> Span {
    let span = tracing::info_span!(
        "anthropic_aws.request",
        otel.name = field::Empty,
        otel.kind = "client",
        otel.status_code = field::Empty,
        method = %call.method,
        path = field::Empty,
        status = field::Empty,
        attempts = field::Empty,
        aws_request_id = field::Empty,
        anthropic_request_id = field::Empty,
        aws.request_id = field::Empty,
        http.request.method = %call.method,
        http.response.status_code = field::Empty,
        server.address = field::Empty,
        server.port = field::Empty,
        url.path = field::Empty,
        gen_ai.provider.name = PROVIDER,
        gen_ai.operation.name = field::Empty,
        gen_ai.request.model = field::Empty,
        gen_ai.response.id = field::Empty,
        gen_ai.response.model = field::Empty,
        gen_ai.usage.input_tokens = field::Empty,
        gen_ai.usage.output_tokens = field::Empty,
        gen_ai.usage.cache_read.input_tokens = field::Empty,
        gen_ai.usage.cache_creation.input_tokens = field::Empty,
        error.type = field::Empty,
    );
    if let Some(gen_ai) = &call.gen_ai
        && !span.is_disabled()
    {
        span.record("gen_ai.operation.name", gen_ai.operation);
        span.record("gen_ai.request.model", gen_ai.model.as_str());
        span.record(
            "otel.name",
            format!("{} {}", gen_ai.operation, gen_ai.model).as_str(),
        );
    }
    span
}

/// Where the call goes.
pub(crate) fn record_target(span: &Span, url: &Url) {
    // A disabled span (no subscriber wants it) takes no record: each one would look its
    // field up by name among the ~25 above.
    if span.is_disabled() {
        return;
    }
    span.record("path", url.path());
    span.record("url.path", url.path());
    if let Some(host) = url.host_str() {
        span.record("server.address", host);
    }
    if let Some(port) = url.port_or_known_default() {
        span.record("server.port", port);
    }
}

/// How many attempts the call has made so far.
pub(crate) fn record_attempts(span: &Span, attempts: u32) {
    if !span.is_disabled() {
        span.record("attempts", attempts);
    }
}

/// An attempt's status and request IDs, as its headers arrive.
pub(crate) fn record_response(span: &Span, status: u16, ids: &RequestIds) {
    if span.is_disabled() {
        return;
    }
    span.record("status", status);
    span.record("http.response.status_code", status);
    if let Some(id) = ids.aws() {
        span.record("aws_request_id", id);
        span.record("aws.request_id", id);
    }
    if let Some(id) = ids.anthropic() {
        span.record("anthropic_request_id", id);
    }
}

/// A whole message: its ID, model and usage.
pub(crate) fn record_message(span: &Span, message: &Message) {
    if span.is_disabled() {
        return;
    }
    span.record("gen_ai.response.id", message.id.as_str());
    span.record("gen_ai.response.model", message.model.as_str());
    record_usage(span, &message.usage);
}

/// The usage of a message so far (a stream's, as its events pass by) or in the end.
pub(crate) fn record_usage(span: &Span, usage: &Usage) {
    if span.is_disabled() {
        return;
    }
    let cache_read = usage.cache_read_input_tokens.unwrap_or(0);
    let cache_creation = usage.cache_creation_input_tokens.unwrap_or(0);
    span.record(
        "gen_ai.usage.input_tokens",
        usage.input_tokens + cache_read + cache_creation,
    );
    span.record("gen_ai.usage.output_tokens", usage.output_tokens);
    span.record("gen_ai.usage.cache_read.input_tokens", cache_read);
    span.record("gen_ai.usage.cache_creation.input_tokens", cache_creation);
}

/// A failed call: `error.type` and the OpenTelemetry error status.
pub(crate) fn record_error(span: &Span, error: &Error) {
    if span.is_disabled() {
        return;
    }
    span.record("error.type", error_type(error));
    span.record("otel.status_code", "ERROR");
}

/// `error.type`: the taxonomy's type when there is one, else the kind of failure.
fn error_type(error: &Error) -> &str {
    if let Some(kind) = error.error_type() {
        return kind.as_str();
    }
    match error {
        Error::Config { .. } => "config",
        Error::Credentials { .. } => "credentials",
        Error::Signing { .. } => "signing",
        Error::Connection { .. } => "connection",
        Error::Timeout { .. } => "timeout",
        Error::Redirect { .. } => "redirect",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::StreamingRequired { .. } => "streaming_required",
        Error::Stream { .. } => "stream",
        Error::Decode { .. } => "decode",
        Error::Batch(_) => "batch",
        Error::File(_) => "file",
        _ => "_OTHER",
    }
}
