//! The request span carries the OpenTelemetry semantic conventions' attributes, with the
//! values of the call it traced (captured by a test `tracing` layer).

mod common;

use anthropic_aws::types::{CountTokensParams, MessageCreateParams, MessageParam};
use anthropic_aws_emulator::Fault;
use common::spans::{Captured, Fields};
use common::*;

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .get(name)
        .unwrap_or_else(|| panic!("no `{name}` in {fields:#?}"))
}

#[tokio::test]
async fn a_message_call_carries_the_conventions_attributes() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (captured, _guard) = Captured::install();

    let message = client.messages().create(&hello()).await.unwrap();

    let span = captured.only();
    let host = reqwest_host(&platform.base_url());
    assert_eq!(field(&span, "gen_ai.provider.name"), "anthropic");
    assert_eq!(field(&span, "gen_ai.operation.name"), "chat");
    assert_eq!(field(&span, "gen_ai.request.model"), MODEL);
    assert_eq!(field(&span, "gen_ai.response.id"), message.id);
    assert!(message.id.starts_with("msg_"), "{}", message.id);
    assert_eq!(field(&span, "gen_ai.response.model"), message.model);
    assert!(message.usage.input_tokens > 0);
    assert_eq!(
        field(&span, "gen_ai.usage.input_tokens"),
        message.usage.input_tokens.to_string()
    );
    assert_eq!(
        field(&span, "gen_ai.usage.output_tokens"),
        message.usage.output_tokens.to_string()
    );
    assert_eq!(field(&span, "http.response.status_code"), "200");
    assert_eq!(field(&span, "http.request.method"), "POST");
    assert_eq!(field(&span, "url.path"), "/v1/messages");
    assert_eq!(field(&span, "server.address"), host.0);
    assert_eq!(field(&span, "server.port"), host.1);
    let aws_id = message.aws_request_id().expect("an AWS request ID");
    assert_eq!(field(&span, "aws.request_id"), aws_id);
    assert_eq!(field(&span, "aws_request_id"), aws_id);
    assert_eq!(
        field(&span, "anthropic_request_id"),
        message
            .anthropic_request_id()
            .expect("an Anthropic request ID")
    );
    assert_eq!(field(&span, "otel.name"), format!("chat {MODEL}"));
    assert_eq!(field(&span, "otel.kind"), "client");
    assert!(!span.contains_key("error.type"), "{span:#?}");
}

#[tokio::test]
async fn a_stream_records_its_ids_status_and_final_usage() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (captured, _guard) = Captured::install();

    let stream = client.messages().stream(&hello()).await.unwrap();
    let aws_id = stream.aws_request_id().unwrap().to_owned();
    let open = captured.only();
    assert_eq!(field(&open, "aws.request_id"), aws_id);
    assert_eq!(field(&open, "http.response.status_code"), "200");
    assert_eq!(field(&open, "gen_ai.operation.name"), "chat");

    let message = stream.final_message().await.unwrap();
    let span = captured.only();
    assert_eq!(field(&span, "gen_ai.response.id"), message.id);
    assert_eq!(
        field(&span, "gen_ai.usage.input_tokens"),
        message.usage.input_tokens.to_string()
    );
    assert!(message.usage.output_tokens > 1);
    assert_eq!(
        field(&span, "gen_ai.usage.output_tokens"),
        message.usage.output_tokens.to_string()
    );
}

#[tokio::test]
async fn count_tokens_names_its_operation() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (captured, _guard) = Captured::install();
    let params = CountTokensParams::new(MODEL, vec![MessageParam::user("Hello")]);
    client.messages().count_tokens(&params).await.unwrap();
    let span = captured.only();
    assert_eq!(field(&span, "gen_ai.operation.name"), "count_tokens");
    assert_eq!(field(&span, "url.path"), "/v1/messages/count_tokens");
}

#[tokio::test]
async fn a_failure_records_the_taxonomy_type() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let (captured, _guard) = Captured::install();
    platform.push_fault(Fault::anthropic(429, "rate_limit_error", "slow down"));

    let err = client.messages().create(&hello()).await.unwrap_err();

    let span = captured.only();
    assert_eq!(
        err.error_type().map(|t| t.as_str()),
        Some("rate_limit_error")
    );
    assert_eq!(field(&span, "error.type"), "rate_limit_error");
    assert_eq!(field(&span, "otel.status_code"), "ERROR");
    assert_eq!(field(&span, "http.response.status_code"), "429");
    assert_eq!(
        field(&span, "aws.request_id"),
        err.aws_request_id().expect("the fault's AWS request ID")
    );
    assert!(!span.contains_key("gen_ai.response.id"), "{span:#?}");
}

#[tokio::test]
async fn a_connection_failure_records_its_kind() {
    // A port nobody listens on: bound, then closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = signed_client_at(url).await;
    let (captured, _guard) = Captured::install();

    let err = client.models().list(&Default::default()).await.unwrap_err();

    assert!(
        matches!(err, anthropic_aws::Error::Connection { .. }),
        "{err:?}"
    );
    let span = captured.only();
    assert_eq!(field(&span, "error.type"), "connection");
    assert_eq!(field(&span, "gen_ai.provider.name"), "anthropic");
    assert!(!span.contains_key("gen_ai.operation.name"), "{span:#?}");
    assert!(!span.contains_key("http.response.status_code"), "{span:#?}");
}

/// The host and port of a `http://host:port` URL.
fn reqwest_host(base_url: &str) -> (String, String) {
    let authority = base_url.trim_start_matches("http://");
    let (host, port) = authority.rsplit_once(':').expect("host:port");
    (host.to_owned(), port.to_owned())
}
