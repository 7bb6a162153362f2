//! Loopback tests of the whole pipeline: authentication, the workspace and
//! version checks, routing, the fault queue and shutdown.

mod common;

use std::time::{Duration, SystemTime};

use anthropic_aws_emulator::{AuthOutcome, Emulator, Fault};
use common::{
    AKID, API_KEY, EXPIRED_AKID, Req, SECRET, SESSION_AKID, SESSION_SECRET, TOKEN, WORKSPACE,
    builder, hello, start, started,
};
use serde_json::{Value, json};
use tokio::net::TcpStream;

#[tokio::test]
async fn signed_message_round_trip() {
    let emu = start().await;
    let answer = Req::claude(&emu, "POST", "/v1/messages", hello())
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let body = answer.json();
    assert_eq!(body["id"], "msg_emu_1");
    assert_eq!(body["type"], "message");
    assert_eq!(body["role"], "assistant");
    assert_eq!(body["model"], "claude-opus-4-8");
    assert_eq!(
        body["content"][0]["text"],
        "Hello from the local Claude Platform on AWS. You said: Ping?"
    );
    assert_eq!(body["stop_reason"], "end_turn");
    assert_eq!(body["stop_sequence"], Value::Null);
    assert_eq!(body["usage"]["service_tier"], "standard");
    assert_eq!(body["usage"]["cache_read_input_tokens"], 0);
    let input_tokens = body["usage"]["input_tokens"].as_u64();
    assert!(input_tokens.is_some_and(|n| n > 0));

    let request_id = answer.header("request-id").unwrap_or_default().to_owned();
    let aws_id = answer
        .header("x-amzn-requestid")
        .unwrap_or_default()
        .to_owned();
    assert!(request_id.starts_with("req_"));
    assert_eq!(aws_id.len(), 36);

    let mut count = hello();
    if let Some(obj) = count.as_object_mut() {
        obj.remove("max_tokens");
    }
    let counted = Req::claude(&emu, "POST", "/v1/messages/count_tokens", count)
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(counted.status, 200, "{counted:?}");
    assert_eq!(counted.json(), json!({ "input_tokens": input_tokens }));

    let second = Req::claude(&emu, "POST", "/v1/messages", hello())
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(second.json()["id"], "msg_emu_2");
    assert_ne!(second.header("request-id"), Some(request_id.as_str()));

    assert_eq!(emu.request_count(), 3);
    let recorded = emu.requests();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0].status, 200);
    assert_eq!(recorded[0].aws_request_id, aws_id);
    assert_eq!(
        recorded[0].anthropic_request_id.as_deref(),
        Some(request_id.as_str())
    );
    // By default the body is not kept, only its length.
    assert!(recorded[0].body.is_empty());
    assert_eq!(recorded[0].body_len, hello().to_string().len());
    assert_eq!(recorded[0].auth_outcome, AuthOutcome::Accepted);
    assert_eq!(
        recorded[0].header("ANTHROPIC-WORKSPACE-ID"),
        Some(WORKSPACE)
    );
    let debug = format!("{:?}", recorded[0]);
    assert!(!debug.contains("Signature="), "{debug}");
    emu.shutdown().await;
}

#[tokio::test]
async fn api_keys() {
    let emu = start().await;
    let bearer = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .header("authorization", &format!("Bearer {API_KEY}"))
        .send(emu.addr())
        .await;
    assert_eq!(bearer.status, 200, "{bearer:?}");
    let legacy = Req::claude(&emu, "GET", "/v1/models/claude-haiku-4-5", Value::Null)
        .header("x-api-key", API_KEY)
        .send(emu.addr())
        .await;
    assert_eq!(legacy.status, 200, "{legacy:?}");
    assert_eq!(legacy.json()["display_name"], "Claude Haiku 4.5");

    let wrong = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .header("authorization", "Bearer sk-wrong")
        .send(emu.addr())
        .await;
    assert_eq!(wrong.error(), (401, "authentication_error".to_owned()));
    let body = wrong.json();
    assert_eq!(body["error"]["message"], "invalid API key");
    assert_eq!(
        body["request_id"].as_str(),
        wrong.header("request-id"),
        "{wrong:?}"
    );
    assert!(wrong.header("x-amzn-requestid").is_some());
    let wrong_legacy = Req::claude(&emu, "GET", "/v1/models", Value::Null)
        .header("x-api-key", "nope")
        .send(emu.addr())
        .await;
    assert_eq!(wrong_legacy.status, 401);
}

#[tokio::test]
async fn front_door_rejections() {
    let emu = start().await;
    let addr = emu.addr();
    let msg = || Req::claude(&emu, "POST", "/v1/messages", hello());

    let none = msg().send(addr).await;
    assert_eq!(
        none.error(),
        (403, "MissingAuthenticationTokenException".to_owned())
    );
    assert_eq!(none.header("request-id"), None);

    let unknown = msg()
        .sign_at("AKIDUNKNOWN", SECRET, None, SystemTime::now())
        .send(addr)
        .await;
    assert_eq!(
        unknown.error(),
        (403, "UnrecognizedClientException".to_owned())
    );
    assert_eq!(
        unknown.json()["message"],
        "The security token included in the request is invalid."
    );

    let wrong_secret = msg()
        .sign_at(AKID, "not-the-secret", None, SystemTime::now())
        .send(addr)
        .await;
    assert_eq!(
        wrong_secret.error(),
        (403, "InvalidSignatureException".to_owned())
    );
    assert_eq!(
        wrong_secret.json()["message"],
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service \
         documentation for details."
    );

    let old = SystemTime::now() - Duration::from_secs(10 * 60);
    let skewed = msg().sign_at(AKID, SECRET, None, old).send(addr).await;
    assert_eq!(
        skewed.error(),
        (403, "InvalidSignatureException".to_owned())
    );
    let message = skewed.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.starts_with("Signature expired: ") && message.ends_with(" - 5 min.)"),
        "{message}"
    );

    let long_term_with_token = msg()
        .sign_at(AKID, SECRET, Some(TOKEN), SystemTime::now())
        .send(addr)
        .await;
    assert_eq!(
        long_term_with_token.error(),
        (403, "UnrecognizedClientException".to_owned())
    );

    let session = msg()
        .sign_at(SESSION_AKID, SESSION_SECRET, Some(TOKEN), SystemTime::now())
        .send(addr)
        .await;
    assert_eq!(session.status, 200, "{session:?}");
    let session_without_token = msg()
        .sign_at(SESSION_AKID, SESSION_SECRET, None, SystemTime::now())
        .send(addr)
        .await;
    assert_eq!(
        session_without_token.error(),
        (403, "UnrecognizedClientException".to_owned())
    );
    let expired = msg()
        .sign_at(
            EXPIRED_AKID,
            "expired-secret",
            Some("old-token"),
            SystemTime::now(),
        )
        .send(addr)
        .await;
    assert_eq!(expired.error(), (403, "ExpiredTokenException".to_owned()));
    assert_eq!(
        expired.json()["message"],
        "The security token included in the request is expired"
    );

    // A header added after signing.
    let unsigned = msg().sign().header("anthropic-beta", "x").send(addr).await;
    assert_eq!(
        unsigned.error(),
        (403, "InvalidSignatureException".to_owned())
    );
    assert!(
        unsigned.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("'anthropic-beta'")),
        "{unsigned:?}"
    );

    let garbage = msg()
        .header("authorization", "AWS4-HMAC-SHA256 Credential=x")
        .send(addr)
        .await;
    assert_eq!(
        garbage.error(),
        (403, "IncompleteSignatureException".to_owned())
    );

    assert_eq!(emu.request_count(), 10);
    assert!(
        emu.requests()
            .iter()
            .filter(|r| r.status == 403)
            .all(|r| r.anthropic_request_id.is_none() && !r.aws_request_id.is_empty())
    );
}

#[tokio::test]
async fn workspace_version_and_routing() {
    let emu = start().await;
    let addr = emu.addr();

    let no_ws = Req::claude(&emu, "POST", "/v1/messages", hello())
        .without("anthropic-workspace-id")
        .sign()
        .send(addr)
        .await;
    assert_eq!(no_ws.error(), (400, "invalid_request_error".to_owned()));
    assert_eq!(
        no_ws.json()["error"]["message"],
        "anthropic-workspace-id header is required"
    );
    let other_ws = Req::claude(&emu, "POST", "/v1/messages", hello())
        .without("anthropic-workspace-id")
        .header("anthropic-workspace-id", "wrkspc_other")
        .sign()
        .send(addr)
        .await;
    assert_eq!(other_ws.error(), (404, "not_found_error".to_owned()));
    let no_version = Req::claude(&emu, "POST", "/v1/messages", hello())
        .without("anthropic-version")
        .sign()
        .send(addr)
        .await;
    assert_eq!(
        no_version.error(),
        (400, "invalid_request_error".to_owned())
    );

    let mut sampled = hello();
    sampled["temperature"] = json!(0.5);
    let sampled = Req::claude(&emu, "POST", "/v1/messages", sampled)
        .sign()
        .send(addr)
        .await;
    assert_eq!(sampled.error(), (400, "invalid_request_error".to_owned()));
    assert!(
        sampled.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("temperature"))
    );
    let mut streamed = hello();
    streamed["stream"] = json!(true);
    let streamed = Req::claude(&emu, "POST", "/v1/messages", streamed)
        .sign()
        .send(addr)
        .await;
    assert_eq!(streamed.status, 200, "{streamed:?}");
    assert_eq!(streamed.header("content-type"), Some("text/event-stream"));
    assert!(
        streamed.body.contains("event: message_stop"),
        "{streamed:?}"
    );
    let mut bad_stream = hello();
    bad_stream["stream"] = json!("yes");
    let bad_stream = Req::claude(&emu, "POST", "/v1/messages", bad_stream)
        .sign()
        .send(addr)
        .await;
    assert_eq!(
        bad_stream.error(),
        (400, "invalid_request_error".to_owned())
    );
    let missing = Req::claude(&emu, "POST", "/v1/messages", json!({"model": "m"}))
        .sign()
        .send(addr)
        .await;
    assert!(
        missing.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("max_tokens")),
        "{missing:?}"
    );

    let page = Req::claude(
        &emu,
        "GET",
        "/v1/models?limit=2&after_id=claude-opus-4-8",
        Value::Null,
    )
    .sign()
    .send(addr)
    .await;
    assert_eq!(page.status, 200, "{page:?}");
    let page = page.json();
    assert_eq!(page["first_id"], "claude-sonnet-4-6");
    assert_eq!(page["last_id"], "claude-haiku-4-5");
    assert_eq!(page["has_more"], false);
    assert_eq!(page["data"][0]["type"], "model");

    let missing_model = Req::claude(&emu, "GET", "/v1/models/claude-9", Value::Null)
        .sign()
        .send(addr)
        .await;
    assert_eq!(missing_model.error(), (404, "not_found_error".to_owned()));
    let nowhere = Req::claude(&emu, "GET", "/v1/nowhere", Value::Null)
        .sign()
        .send(addr)
        .await;
    assert_eq!(nowhere.error(), (404, "not_found_error".to_owned()));
    let wrong_method = Req::claude(&emu, "DELETE", "/v1/messages", Value::Null)
        .sign()
        .send(addr)
        .await;
    assert_eq!(
        wrong_method.error(),
        (405, "invalid_request_error".to_owned())
    );
    assert!(wrong_method.header("request-id").is_some());
}

#[tokio::test]
async fn faults_are_used_in_order_before_authentication() {
    let emu = start().await;
    let addr = emu.addr();
    emu.push_fault(
        Fault::anthropic(529, "overloaded_error", "Overloaded")
            .with_details(json!({"retry": true})),
    );
    emu.push_fault(Fault::aws(429, "ThrottlingException", "Rate exceeded"));
    emu.push_fault(Fault::html(502, "<html>Bad Gateway</html>"));
    emu.push_fault(Fault::raw(
        418,
        vec![("x-custom".to_owned(), "1".to_owned())],
        "teapot",
    ));
    assert_eq!(emu.pending_faults(), 4);

    // No credentials at all: faults answer first.
    let overloaded = Req::new(&emu, "POST", "/v1/messages").send(addr).await;
    assert_eq!(overloaded.error(), (529, "overloaded_error".to_owned()));
    let body = overloaded.json();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["details"], json!({"retry": true}));
    assert_eq!(body["request_id"].as_str(), overloaded.header("request-id"));
    assert!(overloaded.header("x-amzn-requestid").is_some());

    let throttled = Req::new(&emu, "GET", "/anything").send(addr).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.header("x-amzn-errortype"),
        Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/")
    );
    assert_eq!(throttled.json(), json!({"message": "Rate exceeded"}));
    assert_eq!(throttled.header("request-id"), None);

    let html = Req::new(&emu, "GET", "/").send(addr).await;
    assert_eq!(html.status, 502);
    assert!(
        html.header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert_eq!(html.header("x-amzn-requestid"), None);
    assert_eq!(html.header("request-id"), None);
    assert_eq!(html.body, "<html>Bad Gateway</html>");

    let raw = Req::new(&emu, "GET", "/").send(addr).await;
    assert_eq!((raw.status, raw.body.as_str()), (418, "teapot"));
    assert_eq!(raw.header("x-custom"), Some("1"));

    // The queue is empty: back to the normal pipeline.
    let normal = Req::new(&emu, "GET", "/").send(addr).await;
    assert_eq!(
        normal.error(),
        (403, "MissingAuthenticationTokenException".to_owned())
    );

    let recorded = emu.requests();
    let statuses: Vec<u16> = recorded.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [529, 429, 502, 418, 403]);
    assert!(recorded[0].anthropic_request_id.is_some());
    assert!(recorded[1].anthropic_request_id.is_none());
    assert_eq!(recorded[2].aws_request_id, "");
}

#[tokio::test]
async fn dropping_the_last_handle_stops_the_server() {
    let parent = tempfile::tempdir().unwrap();
    let emu = started(builder().files_dir(parent.path())).await;
    let addr = emu.addr();
    assert_eq!(std::fs::read_dir(parent.path()).unwrap().count(), 1);
    let clone = emu.clone();
    drop(emu);
    // A clone keeps it alive.
    let answer = Req::new(&clone, "GET", "/").send(addr).await;
    assert_eq!(answer.status, 403);
    let signal = clone.stop_signal();
    assert!(!signal.is_stopped(), "a clone keeps it alive");
    // An idle connection, open while the server stops.
    let idle = TcpStream::connect(addr).await.unwrap();
    drop(clone);
    signal.stopped().await;
    assert!(signal.is_stopped());
    let refused = TcpStream::connect(addr).await;
    assert!(
        refused.is_err(),
        "still accepting after the last handle was dropped"
    );
    // Its state is gone with it: the files directory was removed.
    let left: Vec<_> = std::fs::read_dir(parent.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    drop(idle);
}

#[test]
fn builder_debug_hides_secrets() {
    let builder = Emulator::builder()
        .access_key("AKIDVISIBLE", "very-secret-key")
        .session_credentials("ASIAVISIBLE", "other-secret", "token-value")
        .api_key("sk-ant-hidden");
    let debug = format!("{builder:?}");
    assert!(debug.contains("AKIDVISIBLE"), "{debug}");
    for secret in [
        "very-secret-key",
        "other-secret",
        "token-value",
        "sk-ant-hidden",
    ] {
        assert!(!debug.contains(secret), "{debug}");
    }
}
