//! `POST /v1/messages` and `POST /v1/messages/count_tokens`.

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use serde::Deserialize;

use crate::error::ApiError;
use crate::faults::Fault;
use crate::messages::{
    Endpoint, MessagesRequest, answer_plan, count_tokens_body, fast_plan, message_json,
    parse_messages_request,
};
use crate::scenario;
use crate::server::reply::Reply;
use crate::server::{Call, Route};

/// The endpoints of Messages (Message Batches, under `/v1/messages/batches`,
/// are a family of their own: `crate::batches`).
pub(crate) const ROUTES: &[Route] = &[
    Route::post("/v1/messages", create),
    Route::post("/v1/messages/count_tokens", count_tokens),
];

/// Longest `stream-text-bytes` text of a non-streaming answer (which is
/// built in memory).
const MAX_BUFFERED_TEXT_BYTES: u64 = 256 * 1024 * 1024;

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
fn create(call: &Call<'_>) -> Reply {
    let (shared, request, effects) = (call.shared, call.request, call.effects);
    let fast = shared.config.fast;
    let parsed = if fast {
        call.json_body::<FastBody<'_>>().map(|body| {
            MessagesRequest::fast(
                body.model.map(Cow::into_owned).unwrap_or_default(),
                body.stream.unwrap_or(false),
                request.body.len(),
            )
        })
    } else {
        parse_messages_request(&request.body, Endpoint::Messages)
    };
    let mut parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return call.error(&error),
    };
    if let (name, Some(_)) = scenario::split_model(&parsed.model) {
        parsed.model = name.to_owned();
    }
    parsed.text_bytes = effects.scenario.and_then(|s| s.text_bytes);
    parsed.text_delta_bytes = effects.scenario.and_then(|s| s.text_delta_bytes);
    if let Some(s) = effects.scenario {
        parsed.script = s.answer_script(effects.active);
    }
    let plan = if fast {
        fast_plan(parsed.text_bytes, parsed.text_delta_bytes)
    } else {
        match answer_plan(&parsed) {
            Ok(plan) => plan,
            Err(error) => return call.error(&error),
        }
    };
    if parsed.stream {
        let queued = if effects.queue_used {
            None
        } else {
            let mut state = shared.state();
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
        return call.error(&ApiError::invalid_request(format!(
            "stream-text-bytes: at most {MAX_BUFFERED_TEXT_BYTES} bytes without \"stream\": true"
        )));
    }
    let number = shared.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
    call.json(Ok(message_json(&parsed, &plan, number)))
}

/// `POST /v1/messages/count_tokens`: the prompt's token estimate.
fn count_tokens(call: &Call<'_>) -> Reply {
    let parsed = parse_messages_request(&call.request.body, Endpoint::CountTokens);
    call.json(parsed.map(|parsed| count_tokens_body(&parsed)))
}
