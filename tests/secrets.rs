//! No secret (secret access key, session token, API key, signature) ever shows in `Debug`,
//! `Display`, an error, or the logs, whatever the outcome of a call.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use anthropic_aws::types::{MessageCreateParams, MessageParam};
use anthropic_aws::{Client, RequestOptions, WireEvent};
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

/// Every log line at every level, captured while the guard lives.
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// An `on_wire` observer keeping each event's `Display` and `Debug` (what `--debug` prints),
/// and where it keeps them.
fn capture_wire() -> (
    Arc<Mutex<String>>,
    impl Fn(&WireEvent<'_>) + Send + Sync + 'static,
) {
    let wire = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&wire);
    let observer = move |event: &WireEvent<'_>| {
        let mut seen = seen.lock().unwrap();
        seen.push_str(&format!("{event}\n{event:?}\n"));
    };
    (wire, observer)
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
    let (logs, _guard) = capture_logs();

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

/// A password in a redirect's `Location` (issue 25).
const LOCATION_SECRET: &str = "l0cation-s3cret";

#[tokio::test]
async fn a_password_in_a_redirect_location_never_shows() {
    let (logs, _guard) = capture_logs();

    let location = format!("https://user:{LOCATION_SECRET}@elsewhere.example/v1/messages");
    let server = common::hostile::Hostile::start(common::hostile::Mode::Redirect {
        status: 307,
        location: location.clone(),
    })
    .await;
    let (wire, observer) = capture_wire();
    let client = builder_at(server.base_url())
        .api_key(API_KEY)
        .on_wire(observer)
        .build()
        .await
        .unwrap();
    let hello = MessageCreateParams::new(MODEL, 32, vec![MessageParam::user("hi")]);
    let err = client.messages().create(&hello).await.unwrap_err();
    let anthropic_aws::Error::Redirect {
        location: shown,
        headers,
        ..
    } = &err
    else {
        panic!("a redirect: {err:?}")
    };
    // Shown redacted; the header itself is kept as received, for a caller who needs it.
    assert_eq!(
        shown.as_deref(),
        Some("https://<redacted>@elsewhere.example/v1/messages")
    );
    assert_eq!(headers["location"], location.as_str());
    let display = err.to_string();
    assert!(
        display.contains("https://<redacted>@elsewhere.example"),
        "{display}"
    );
    let debug = format!("{err:?}");
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("redirect refused"), "{logged}");
    let wire = wire.lock().unwrap().clone();
    assert!(wire.contains("< HTTP 307"), "{wire}");
    for (what, text) in [
        ("Display", &display),
        ("Debug", &debug),
        ("the logs", &logged),
        ("the wire", &wire),
    ] {
        assert!(!text.contains(LOCATION_SECRET), "{what} leaks: {text}");
        assert_clean(what, text);
    }
}

#[tokio::test]
async fn a_base_url_password_never_shows() {
    // A connection refused at a base URL with userinfo: neither the error nor its sources, nor
    // the client's `Debug` or the wire's request line, show the password.
    let (_socket, url) = refusing_address();
    let url = url.replacen("http://", &format!("http://user:{LOCATION_SECRET}@"), 1);
    let (wire, observer) = capture_wire();
    let builder = builder_at(url)
        .api_key(API_KEY)
        .max_retries(0)
        .on_wire(observer);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().await.unwrap();
    let client_debug = format!("{client:?}");
    let hello = MessageCreateParams::new(MODEL, 32, vec![MessageParam::user("hi")]);
    let err = client.messages().create(&hello).await.unwrap_err();
    let mut chain = format!("{err}\n{err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!("\n{cause}\n{cause:?}"));
        source = cause.source();
    }
    let wire = wire.lock().unwrap().clone();
    assert!(
        wire.contains("> POST http://<redacted>@127.0.0.1"),
        "{wire}"
    );
    for (what, text) in [
        ("ClientBuilder Debug", &builder_debug),
        ("Client Debug", &client_debug),
        ("the error", &chain),
        ("the wire", &wire),
    ] {
        assert!(!text.contains(LOCATION_SECRET), "{what} leaks: {text}");
    }
}

#[tokio::test]
async fn a_callers_sensitive_headers_are_sent_signed_but_never_shown() {
    const DEFAULT_SECRET: &str = "gw-default-s3cret";
    const REQUEST_SECRET: &str = "gw-request-s3cret";
    const RAW_SECRET: &str = "gw-raw-s3cret";
    let platform = platform().await;
    let (wire, observer) = capture_wire();
    let builder = builder(&platform)
        .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
        .session_token(SESSION_TOKEN)
        .sensitive_default_header("x-gateway-key", DEFAULT_SECRET)
        .default_header("x-app-name", "tests")
        .on_wire(observer);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().await.unwrap();
    let options = RequestOptions::new().sensitive_header("x-tenant-key", REQUEST_SECRET);
    let options_debug = format!("{options:?}");
    let hello = MessageCreateParams::new(MODEL, 32, vec![MessageParam::user("hi")]);
    client
        .messages()
        .with_options(options)
        .create(&hello)
        .await
        .unwrap();
    let sent = last_request(&platform);
    assert_eq!(sent.header("x-gateway-key"), Some(DEFAULT_SECRET));
    assert_eq!(sent.header("x-tenant-key"), Some(REQUEST_SECRET));
    let signed = signed_headers(&sent);
    assert!(
        signed.iter().any(|h| h == "x-gateway-key") && signed.iter().any(|h| h == "x-tenant-key"),
        "{signed:?}"
    );
    client
        .request(anthropic_aws::Method::GET, "/v1/models")
        .sensitive_header("x-raw-key", RAW_SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(
        last_request(&platform).header("x-raw-key"),
        Some(RAW_SECRET)
    );

    let wire = wire.lock().unwrap().clone();
    for line in [
        "> x-gateway-key: <redacted>",
        "> x-tenant-key: <redacted>",
        "> x-raw-key: <redacted>",
        "> x-app-name: tests",
        "> x-amz-security-token: <redacted>",
        "> authorization: AWS4-HMAC-SHA256 <redacted>",
    ] {
        assert!(wire.lines().any(|l| l == line), "{line:?} in {wire}");
    }
    for (what, text) in [
        ("ClientBuilder Debug", &builder_debug),
        ("RequestOptions Debug", &options_debug),
        ("the wire", &wire),
    ] {
        for secret in [DEFAULT_SECRET, REQUEST_SECRET, RAW_SECRET] {
            assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
        }
        assert_clean(what, text);
    }
}
