//! No secret (secret access key, session token, API key, signature) ever shows in `Debug`,
//! `Display`, an error, or the logs, whatever the outcome of a call.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{Client, RequestOptions};
use anthropic_aws_emulator::Fault;
use common::*;
use tracing_subscriber::fmt::MakeWriter;

const SECRETS: &[&str] = &[
    SECRET,
    SESSION_SECRET,
    SESSION_TOKEN,
    API_KEY,
    "not-the-secret",
];

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
    }
    assert!(
        !text.contains("Signature="),
        "{what} leaks a signature: {text}"
    );
}

#[tokio::test]
async fn nothing_secret_in_debug_display_errors_or_logs() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let platform = platform().await;
    let hello = MessageCreateParams::new(MODEL, 32, vec![MessageParam::user("hi")]);
    let builders = [
        builder(&platform).api_key(API_KEY),
        builder(&platform)
            .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
            .session_token(SESSION_TOKEN),
        builder(&platform).access_key(ACCESS_KEY, "not-the-secret"),
    ];
    for builder in builders {
        let builder = builder.max_retries(1);
        assert_clean("ClientBuilder Debug", &format!("{builder:?}"));
        let client: Client = builder.build().await.unwrap();
        assert_clean("Client Debug", &format!("{client:?}"));

        let ok_or_err = client.messages().create(&hello).await;
        match &ok_or_err {
            Ok(message) => assert_clean("Response Debug", &format!("{message:?}")),
            Err(e) => {
                assert_clean("Error Display", &format!("{e}"));
                assert_clean("Error Debug", &format!("{e:?}"));
            }
        }
        platform.push_fault(Fault::anthropic(529, "overloaded_error", "busy"));
        platform.push_fault(Fault::anthropic(401, "authentication_error", "who are you"));
        let err = client
            .messages()
            .with_options(RequestOptions::new().max_retries(1))
            .create(&hello)
            .await
            .unwrap_err();
        assert_clean("Error Display", &format!("{err}"));
        assert_clean("Error Debug", &format!("{err:?}"));
        let raw = client.models().with_raw_response().retrieve(MODEL).await;
        assert_clean("RawResponse Debug", &format!("{raw:?}"));
    }
    assert_clean(
        "RequestOptions Debug",
        &format!("{:?}", RequestOptions::new()),
    );
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("anthropic_aws.request"),
        "the calls were logged: {logged}"
    );
    // The logs carry the request IDs' values, not only the field name: every answer's.
    let requests = platform.requests();
    assert!(!requests.is_empty());
    for sent in &requests {
        assert!(
            logged.contains(&sent.aws_request_id),
            "the logs miss {}: {logged}",
            sent.aws_request_id
        );
        if let Some(anthropic) = &sent.anthropic_request_id {
            assert!(logged.contains(anthropic), "the logs miss {anthropic}");
        }
    }
    assert_clean("the logs", &logged);
}
