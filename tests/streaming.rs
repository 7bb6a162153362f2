//! Streaming over loopback: typed events, errors after a 200, truncation, chunking, the final
//! message, restarts inside `final_message`, and the long-request guard.

mod common;

use std::time::Duration;

use anthropic_aws::streaming::events::MessageStreamEvent;
use anthropic_aws::types::{
    ContentBlock, MessageCreateParams, MessageParam, ThinkingConfig, Tool, ToolChoice,
};
use anthropic_aws::{Client, Error, ErrorType};
use anthropic_aws_emulator::{EmulatorHandle, Fault, StreamScript};
use common::*;
use futures_util::StreamExt;
use serde_json::json;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(
        MODEL,
        256,
        vec![MessageParam::user(
            "Tell me about streaming — ünïcödé and all 🚀",
        )],
    )
}

async fn collect(
    client: &Client,
    params: &MessageCreateParams,
) -> (
    Vec<MessageStreamEvent>,
    Option<Error>,
    anthropic_aws::RequestIds,
) {
    let mut stream = client
        .messages()
        .stream(params)
        .await
        .expect("the stream opens");
    let ids = stream.request_ids().clone();
    let mut events = Vec::new();
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    assert!(stream.next().await.is_none(), "nothing after the end");
    (events, error, ids)
}

#[tokio::test]
async fn streams_answer_the_aws_request_id_trait() {
    use anthropic_aws::RequestId;
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let stream = client.messages().stream(&hello()).await.unwrap();
    let sent = last_request(&platform);
    assert_eq!(stream.request_id(), Some(sent.aws_request_id.as_str()));
    let text = stream.text_stream();
    assert_eq!(text.request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        text.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
}

fn text_of(events: &[MessageStreamEvent]) -> String {
    events
        .iter()
        .filter_map(MessageStreamEvent::text_delta)
        .collect()
}

fn script(platform: &EmulatorHandle, script: StreamScript) {
    platform.push_fault(Fault::Stream(script));
}

#[tokio::test]
async fn a_normal_stream_yields_typed_events_and_both_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (events, error, ids) = collect(&client, &hello()).await;
    assert!(error.is_none(), "{error:?}");
    let sent = last_request(&platform);
    assert_eq!(ids.aws(), Some(sent.aws_request_id.as_str()));
    assert_eq!(ids.anthropic(), sent.anthropic_request_id.as_deref());
    assert_eq!(sent.header("accept"), Some("text/event-stream"));
    assert_eq!(sent.body_json().unwrap()["stream"], json!(true));

    assert!(matches!(
        events.first(),
        Some(MessageStreamEvent::MessageStart(_))
    ));
    assert!(matches!(
        events.last(),
        Some(MessageStreamEvent::MessageStop(_))
    ));
    assert!(events.iter().any(|e| matches!(e, MessageStreamEvent::Ping)));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, MessageStreamEvent::MessageDelta(_)))
    );

    let whole = client.messages().create(&hello()).await.unwrap();
    assert_eq!(text_of(&events), whole.text());
}

#[tokio::test]
async fn one_byte_per_chunk_gives_the_same_message() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let whole = client.messages().create(&hello()).await.unwrap();
    script(&platform, StreamScript::new().chunk_size(1));
    let streamed = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap();
    assert_eq!(streamed.content, whole.content);
    assert_eq!(streamed.usage, whole.usage);
}

#[tokio::test]
async fn carriage_return_line_endings_are_understood() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    for ending in ["\r", "\r\n"] {
        script(
            &platform,
            StreamScript::new().line_ending(ending).chunk_size(3),
        );
        let (events, error, _) = collect(&client, &hello()).await;
        assert!(error.is_none(), "{ending:?}: {error:?}");
        assert!(
            matches!(events.last(), Some(MessageStreamEvent::MessageStop(_))),
            "{ending:?}"
        );
    }
}

#[tokio::test]
async fn an_error_event_after_text_ends_the_stream_with_the_taxonomy_error() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    script(
        &platform,
        StreamScript::new().error_after(2, "overloaded_error", "Overloaded"),
    );
    let (events, error, ids) = collect(&client, &hello()).await;
    let deltas = events.iter().filter(|e| e.text_delta().is_some()).count();
    assert_eq!(deltas, 2, "the text before the error is delivered");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, MessageStreamEvent::MessageStop(_)))
    );
    let error = error.expect("the stream ends with an error");
    let api = error.as_api().expect("an API error, as without streaming");
    assert_eq!(api.error_type(), &ErrorType::Overloaded);
    assert_eq!(api.message(), "Overloaded");
    let sent = last_request(&platform);
    assert_eq!(api.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        api.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert!(sent.anthropic_request_id.is_some());
    assert_eq!(ids.aws(), api.aws_request_id());
    assert_eq!(
        platform.request_count(),
        1,
        "an event stream is never replayed"
    );
}

#[tokio::test]
async fn a_truncated_stream_is_an_error_not_a_short_message() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    script(&platform, StreamScript::new().cut_after(4));
    let (events, error, ids) = collect(&client, &hello()).await;
    assert_eq!(events.len(), 4);
    let error = error.expect("truncation is reported");
    assert!(matches!(error, Error::Stream { .. }), "{error:?}");
    assert!(error.to_string().contains("message_stop"), "{error}");
    assert_eq!(error.aws_request_id(), ids.aws());
}

#[tokio::test]
async fn an_unknown_event_type_is_passed_through() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    script(&platform, StreamScript::new().unknown_event());
    let (events, error, _) = collect(&client, &hello()).await;
    assert!(error.is_none(), "{error:?}");
    let unknown = events
        .iter()
        .find_map(|e| match e {
            MessageStreamEvent::Other { event, data } => Some((event.clone(), data.clone())),
            _ => None,
        })
        .expect("the unknown event is delivered");
    assert_eq!(unknown.1["type"], unknown.0);
    assert!(matches!(
        events.last(),
        Some(MessageStreamEvent::MessageStop(_))
    ));
}

#[tokio::test]
async fn final_message_equals_the_non_streaming_answer() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let tool = Tool::new(
        "get_weather",
        json!({"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city", "days"]}),
    );
    let cases = [
        hello(),
        hello().thinking(ThinkingConfig::enabled(2048)),
        hello()
            .tool(tool)
            .tool_choice(ToolChoice::tool("get_weather")),
    ];
    for params in cases {
        let whole = client.messages().create(&params).await.unwrap();
        let streamed = client
            .messages()
            .stream(&params)
            .await
            .unwrap()
            .final_message()
            .await
            .unwrap();
        let sent = last_request(&platform);
        assert_eq!(streamed.content, whole.content);
        assert_eq!(streamed.usage, whole.usage);
        assert_eq!(streamed.stop_reason, whole.stop_reason);
        assert_eq!(streamed.model, whole.model);
        assert_eq!(streamed.role, whole.role);
        assert_eq!(
            streamed.aws_request_id(),
            Some(sent.aws_request_id.as_str())
        );
        assert_eq!(
            streamed.anthropic_request_id(),
            sent.anthropic_request_id.as_deref()
        );
    }
    let tool_use = client
        .messages()
        .stream(&hello().tool(Tool::new("lookup", json!({"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}))).tool_choice(ToolChoice::any()))
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap();
    match tool_use.content.first() {
        Some(ContentBlock::ToolUse(block)) => assert_eq!(block.input, json!({"q": "example"})),
        other => panic!("expected a tool_use block, got {other:?}"),
    }
}

#[tokio::test]
async fn final_message_restarts_after_a_retryable_error_event() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(2)
        .build()
        .await
        .unwrap();
    script(
        &platform,
        StreamScript::new().error_after(1, "overloaded_error", "Overloaded"),
    );
    let message = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap();
    assert_eq!(platform.request_count(), 2, "the request was sent again");
    let sent = last_request(&platform);
    assert_eq!(message.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(sent.header("x-stainless-retry-count"), Some("1"));
    let whole = client.messages().create(&hello()).await.unwrap();
    assert_eq!(message.content, whole.content);
}

#[tokio::test]
async fn final_message_restarts_stay_within_the_retry_budget() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(1)
        .build()
        .await
        .unwrap();
    for _ in 0..2 {
        script(
            &platform,
            StreamScript::new().error_after(1, "api_error", "Internal"),
        );
    }
    let err = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::Api));
    assert_eq!(platform.request_count(), 2, "one attempt and one restart");

    // A non-retryable error event is reported at once.
    script(
        &platform,
        StreamScript::new().error_after(1, "invalid_request_error", "no"),
    );
    let err = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest));
    assert_eq!(platform.request_count(), 3);
}

#[tokio::test]
async fn final_message_restarts_after_a_cut_connection() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    script(&platform, StreamScript::new().cut_after(3));
    let message = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap();
    assert_eq!(platform.request_count(), 2);
    assert!(!message.text().is_empty());
}

#[tokio::test]
async fn text_stream_yields_the_text_and_keeps_the_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let mut text = client
        .messages()
        .stream(&hello())
        .await
        .unwrap()
        .text_stream();
    let sent = last_request(&platform);
    assert_eq!(text.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        text.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    let mut all = String::new();
    while let Some(piece) = text.next().await {
        all.push_str(&piece.unwrap());
    }
    let whole = client.messages().create(&hello()).await.unwrap();
    assert_eq!(all, whole.text());
}

#[tokio::test]
async fn the_ten_minute_guard_refuses_long_non_streaming_requests() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let long = MessageCreateParams::new(MODEL, 64_000, vec![MessageParam::user("Write a lot")]);
    let err = client.messages().create(&long).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::StreamingRequired {
                max_tokens: 64_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("stream"), "{err}");
    assert_eq!(platform.request_count(), 0, "nothing was sent");

    // Streaming is the way.
    client
        .messages()
        .stream(&long)
        .await
        .unwrap()
        .final_message()
        .await
        .unwrap();
    assert_eq!(platform.request_count(), 1);

    // An explicit timeout lifts the guard.
    let patient = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_secs(3600))
        .build()
        .await
        .unwrap();
    patient.messages().create(&long).await.unwrap();
    assert_eq!(platform.request_count(), 2);
}

/// Steady data keeps a stream alive past its timeout: the timeout bounds each silence, not
/// the whole stream.
#[tokio::test]
async fn a_steady_stream_outlives_its_timeout() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_millis(600))
        .build()
        .await
        .unwrap();
    script(
        &platform,
        StreamScript::new().delay_between_events(Duration::from_millis(150)),
    );
    let started = std::time::Instant::now();
    let (events, error, _) = collect(&client, &hello()).await;
    assert!(error.is_none(), "{error:?}");
    assert!(
        started.elapsed() > Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(
        events.last(),
        Some(MessageStreamEvent::MessageStop(_))
    ));
}

/// A silence longer than the timeout ends the stream with a typed idle timeout.
#[tokio::test]
async fn a_silent_stream_times_out_as_stream_idle() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .await
        .unwrap();
    script(
        &platform,
        StreamScript::new().delay_between_events(Duration::from_secs(2)),
    );
    let started = std::time::Instant::now();
    let (events, error, _) = collect(&client, &hello()).await;
    let waited = started.elapsed();
    assert_eq!(events.len(), 1, "only the first frame arrived: {events:?}");
    let error = error.expect("the stream ends with an error");
    match &error {
        Error::Timeout {
            kind,
            timeout,
            status,
            ..
        } => {
            assert_eq!(*kind, anthropic_aws::TimeoutKind::StreamIdle);
            assert_eq!(*timeout, Duration::from_millis(300));
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
        }
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    // The IDs travel on the error itself, not only on the stream handle.
    let sent = last_request(&platform);
    assert_eq!(error.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        error.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert!(error.anthropic_request_id().is_some());
    // A lower bound only: the silence is the behaviour; a loaded machine may take longer.
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
}

#[tokio::test]
async fn final_message_past_the_response_cap_is_response_too_large_with_both_ids() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .max_retries(2)
        .build()
        .await
        .unwrap();
    let bytes = anthropic_aws::MAX_RESPONSE_BYTES + 1024 * 1024;
    let params = MessageCreateParams::new(
        format!("{MODEL}~stream-text-bytes={bytes}"),
        256,
        vec![MessageParam::user("a very long answer")],
    );
    let err = client
        .messages()
        .stream(&params)
        .await
        .unwrap()
        .final_message()
        .await
        .expect_err("the message outgrows the cap");
    let sent = last_request(&platform);
    match &err {
        Error::ResponseTooLarge {
            limit,
            declared,
            status,
            ..
        } => {
            assert_eq!(*limit, anthropic_aws::MAX_RESPONSE_BYTES);
            assert_eq!(*declared, None);
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert_eq!(err.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        err.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert_eq!(platform.request_count(), 1, "never retried");
}
