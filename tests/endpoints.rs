//! The four endpoints over loopback, their wrappers and the raw mode.

mod common;

use anthropic_aws::types::{
    ContentBlock, CountTokensParams, MessageCreateParams, MessageParam, ModelListParams,
};
use anthropic_aws::{ErrorType, RequestId};
use common::*;
use serde_json::{Value, json};

fn hello() -> MessageCreateParams {
    MessageCreateParams::new(MODEL, 64, vec![MessageParam::user("Hello, Claude")])
}

#[tokio::test]
async fn create_returns_the_message_with_both_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let message = client
        .messages()
        .create(&hello().system("Be brief."))
        .await
        .unwrap();
    let sent = last_request(&platform);

    assert_eq!(message.status().as_u16(), 200);
    assert_eq!(message.model, MODEL);
    assert!(matches!(
        message.content.first(),
        Some(ContentBlock::Text { .. })
    ));
    assert!(message.usage.input_tokens > 0);
    assert_eq!(message.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        message.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    assert!(message.anthropic_request_id().is_some());
    assert_eq!(message.request_id(), message.aws_request_id());
    assert_eq!(
        message.headers().get("x-amzn-requestid").unwrap(),
        sent.aws_request_id.as_str()
    );

    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path_and_query, "/v1/messages");
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({
            "model": MODEL,
            "max_tokens": 64,
            "messages": [{"role": "user", "content": "Hello, Claude"}],
            "system": "Be brief."
        })
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn fields_the_types_do_not_model_are_sent() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let params = hello().extra_field("context_management", json!({"edits": []}));
    client.messages().create(&params).await.unwrap();
    let body: Value = serde_json::from_slice(&last_request(&platform).body).unwrap();
    assert_eq!(body["context_management"], json!({"edits": []}));
}

#[tokio::test]
async fn count_tokens_agrees_with_create() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let params = hello();
    let message = client.messages().create(&params).await.unwrap();
    let count = client
        .messages()
        .count_tokens(&CountTokensParams::from(&params))
        .await
        .unwrap();
    assert_eq!(count.input_tokens, message.usage.input_tokens);
    let sent = last_request(&platform);
    assert_eq!(sent.path_and_query, "/v1/messages/count_tokens");
    assert_eq!(count.aws_request_id(), Some(sent.aws_request_id.as_str()));
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert!(
        body.get("max_tokens").is_none(),
        "count_tokens takes no max_tokens"
    );
}

#[tokio::test]
async fn models_list_and_get() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let page = client
        .models()
        .list(&ModelListParams::default().limit(2))
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.has_more);
    let sent = last_request(&platform);
    assert_eq!(sent.path_and_query, "/v1/models?limit=2");
    assert_eq!(
        page.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );

    let first = &page.data[0];
    let model = client.models().retrieve(&first.id).await.unwrap();
    assert_eq!(model.id, first.id);
    assert_eq!(
        last_request(&platform).path_and_query,
        format!("/v1/models/{}", first.id)
    );

    let err = client.models().retrieve("claude-none-0").await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::NotFound));
    assert_eq!(
        err.aws_request_id(),
        Some(last_request(&platform).aws_request_id.as_str())
    );
}

#[tokio::test]
async fn raw_mode_returns_bytes_and_ids_before_parsing() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let raw = client
        .messages()
        .with_raw_response()
        .create(&hello())
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_eq!(raw.status().as_u16(), 200);
    assert_eq!(raw.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        raw.anthropic_request_id(),
        sent.anthropic_request_id.as_deref()
    );
    let json: Value = serde_json::from_slice(raw.body()).unwrap();
    assert_eq!(json["type"], "message");
    let message = raw.parse().unwrap();
    assert_eq!(message.aws_request_id(), Some(sent.aws_request_id.as_str()));
    assert_eq!(
        message.content.len(),
        json["content"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn betas_and_default_headers_are_sent_and_signed() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .beta("files-api-2025-04-14")
        .beta("context-1m-2025-08-07")
        .default_header("x-app-name", "tests")
        .build()
        .await
        .unwrap();
    client.models().retrieve(MODEL).await.unwrap();
    let sent = last_request(&platform);
    assert_eq!(
        sent.header("anthropic-beta"),
        Some("files-api-2025-04-14,context-1m-2025-08-07")
    );
    assert_eq!(sent.header("x-app-name"), Some("tests"));
    let signed = signed_headers(&sent);
    assert!(signed.iter().any(|h| h == "anthropic-beta"), "{signed:?}");
    assert!(signed.iter().any(|h| h == "x-app-name"), "{signed:?}");
}

#[tokio::test]
async fn a_non_json_success_body_is_a_decode_error_with_ids() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    platform.push_fault(anthropic_aws_emulator::Fault::Raw {
        status: 200,
        headers: vec![
            ("x-amzn-requestid".into(), "aws-garbled".into()),
            ("request-id".into(), "req_garbled".into()),
        ],
        body: bytes::Bytes::from_static(b"<html>not json</html>"),
    });
    let err = client.messages().create(&hello()).await.unwrap_err();
    assert!(
        matches!(err, anthropic_aws::Error::Decode { .. }),
        "{err:?}"
    );
    assert_eq!(err.aws_request_id(), Some("aws-garbled"));
    assert_eq!(err.anthropic_request_id(), Some("req_garbled"));
    assert!(err.to_string().contains("<html>not json</html>"), "{err}");
}

#[tokio::test]
async fn a_dead_endpoint_is_a_connection_error() {
    // A bound port with nobody listening refuses reliably (no race with another process).
    let (_reserved, url) = refusing_address();
    let client = signed_client_at(url).await;
    let err = client.models().retrieve(MODEL).await.unwrap_err();
    match &err {
        anthropic_aws::Error::Connection {
            status,
            request_ids,
            ..
        } => {
            assert_eq!(*status, None);
            assert!(request_ids.is_none(), "no response, no IDs");
        }
        other => panic!("expected a connection error, got {other:?}"),
    }
    assert!(err.is_retryable());
}

/// A success body that arrives in several chunks (chunked transfer encoding, a pause between
/// pieces) is read whole.
#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = json!({
        "id": "msg_chunked", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{"type": "text", "text": "x".repeat(5000)}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 3, "output_tokens": 4}
    })
    .to_string();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Headers, then the declared body.
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request);
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    break;
                }
            }
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-amzn-requestid: aws-chunked\r\nrequest-id: req_chunked\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        for piece in body.as_bytes().chunks(1500) {
            let chunk = format!("{:x}\r\n", piece.len());
            socket.write_all(chunk.as_bytes()).await.unwrap();
            socket.write_all(piece).await.unwrap();
            socket.write_all(b"\r\n").await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        socket.flush().await.unwrap();
    });
    let client = signed_client_at(format!("http://{addr}")).await;
    let message = client.messages().create(&hello()).await.unwrap();
    assert_eq!(message.id, "msg_chunked");
    assert_eq!(message.text().len(), 5000);
    assert_eq!(message.aws_request_id(), Some("aws-chunked"));
    assert_eq!(message.anthropic_request_id(), Some("req_chunked"));
    assert_eq!(message.headers()["transfer-encoding"], "chunked");
}
