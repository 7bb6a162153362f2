//! Loopback tests of the limits that keep the emulator up under abuse: a
//! bounded request log, bodies kept only when asked for, slow bodies cut,
//! many slow clients at once, and a repeated `Authorization` header.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use anthropic_aws_emulator::{AuthOutcome, Fault};
use common::{API_KEY, Answer, Req, builder, hello, keyed, started};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(addr: SocketAddr) -> TcpStream {
    match TcpStream::connect(addr).await {
        Ok(stream) => stream,
        Err(e) => panic!("connect: {e}"),
    }
}

async fn write(stream: &mut TcpStream, bytes: &[u8]) {
    if let Err(e) = stream.write_all(bytes).await {
        panic!("write: {e}");
    }
}

/// Everything the server sends until it closes the connection.
async fn read_all(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut answer));
    match read.await {
        Ok(Ok(_)) => String::from_utf8_lossy(&answer).into_owned(),
        Ok(Err(e)) => panic!("read: {e}"),
        Err(_) => panic!("the server never closed the connection"),
    }
}

/// Reads until `needle` has arrived.
async fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let read = tokio::time::timeout(Duration::from_secs(60), stream.read(&mut buf));
        match read.await {
            Ok(Ok(0)) => panic!(
                "closed before {needle:?}: {}",
                String::from_utf8_lossy(&seen)
            ),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => panic!("read: {e}"),
            Err(_) => panic!("no {needle:?}"),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

/// The head of a `POST /v1/messages` announcing `length` body bytes.
fn head(addr: SocketAddr, length: usize, extra: &str) -> String {
    format!(
        "POST /v1/messages HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {length}\r\n{extra}\r\n"
    )
}

#[tokio::test]
async fn the_log_keeps_the_latest_requests_only() {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("temp dir: {e}"),
    };
    let path = dir.path().join("requests.jsonl");
    let emu = started(builder().max_recorded_requests(3).request_log(&path)).await;
    for attempt in 0..5 {
        let answer = keyed(&emu, hello())
            .header("x-stainless-retry-count", &attempt.to_string())
            .send(emu.addr())
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    assert_eq!(emu.request_count(), 5);
    let attempts: Vec<Option<u64>> = emu.requests().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [Some(2), Some(3), Some(4)]);
    // The file log keeps every line.
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(text.lines().count(), 5, "{text}");

    let none = started(builder().max_recorded_requests(0)).await;
    assert_eq!(keyed(&none, hello()).send(none.addr()).await.status, 200);
    assert_eq!(none.request_count(), 1);
    assert!(none.requests().is_empty());
}

#[tokio::test]
async fn bodies_are_kept_only_when_asked_for_and_accepted() {
    let emu = started(builder().record_bodies(true)).await;
    let sent = hello().to_string();

    let accepted = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(accepted.status, 200);
    let rejected = Req::claude(&emu, "POST", "/v1/messages", hello())
        .header("authorization", "Bearer sk-wrong")
        .send(emu.addr())
        .await;
    assert_eq!(rejected.status, 401);
    let unsigned = Req::claude(&emu, "POST", "/v1/messages", hello())
        .send(emu.addr())
        .await;
    assert_eq!(unsigned.status, 403);
    emu.push_fault(Fault::anthropic(529, "overloaded_error", "Overloaded"));
    let faulted = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(faulted.status, 529);
    // Accepted, but the workspace is wrong: the body is kept.
    let other_workspace = keyed(&emu, hello())
        .without("anthropic-workspace-id")
        .header("anthropic-workspace-id", "wrkspc_other")
        .send(emu.addr())
        .await;
    assert_eq!(other_workspace.status, 404);

    let records = emu.requests();
    let outcomes: Vec<AuthOutcome> = records.iter().map(|r| r.auth_outcome).collect();
    assert_eq!(
        outcomes,
        [
            AuthOutcome::Accepted,
            AuthOutcome::Rejected,
            AuthOutcome::Rejected,
            AuthOutcome::Unchecked,
            AuthOutcome::Accepted,
        ]
    );
    let bodies: Vec<&[u8]> = records.iter().map(|r| r.body.as_ref()).collect();
    let expected: [&[u8]; 5] = [sent.as_bytes(), b"", b"", b"", sent.as_bytes()];
    assert_eq!(bodies, expected);
    assert!(records.iter().all(|r| r.body_len == sent.len()));
    assert_eq!(records[0].body_json(), Some(hello()));
}

#[tokio::test]
async fn an_oversize_body_is_refused_and_not_kept() {
    let emu = started(builder().record_bodies(true)).await;
    let limit = 32 * 1024 * 1024;
    // No length declared: refused once more than the limit has arrived.
    let mut stream = connect(emu.addr()).await;
    let head = format!(
        "POST /v1/messages HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\nauthorization: Bearer {API_KEY}\r\n\r\n",
        emu.addr()
    );
    write(&mut stream, head.as_bytes()).await;
    let (mut reader, mut writer) = stream.into_split();
    // The server stops reading past the limit: writing the rest may fail.
    let upload = tokio::spawn(async move {
        let chunk = vec![b' '; 1024 * 1024];
        for _ in 0..(limit / chunk.len() + 1) {
            let size = format!("{:x}\r\n", chunk.len());
            let sent = async {
                writer.write_all(size.as_bytes()).await?;
                writer.write_all(&chunk).await?;
                writer.write_all(b"\r\n").await
            };
            if sent.await.is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(60), reader.read_to_end(&mut answer));
    assert!(matches!(read.await, Ok(Ok(_))), "no answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("request_too_large"), "{answer}");
    upload.abort();

    assert_eq!(emu.request_count(), 1);
    let record = &emu.requests()[0];
    assert_eq!(record.status, 413);
    assert_eq!(record.verdict, "request_too_large");
    assert_eq!(record.auth_outcome, AuthOutcome::Unchecked);
    assert!(record.body.is_empty());
    assert!(record.body_len > limit, "{}", record.body_len);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body_is_sent() {
    let emu = started(builder().record_bodies(true)).await;
    let limit = 32 * 1024 * 1024;
    let mut stream = connect(emu.addr()).await;
    // The head only: the answer comes without a byte of the body.
    let auth = format!("authorization: Bearer {API_KEY}\r\n");
    write(&mut stream, head(emu.addr(), limit + 1, &auth).as_bytes()).await;
    let answer = read_all(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("request_too_large"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n"),
        "{answer}"
    );
    let record = &emu.requests()[0];
    assert_eq!((record.status, record.body_len), (413, 0));
    assert_eq!(record.auth_outcome, AuthOutcome::Unchecked);
    // At the limit, the body is waited for (and read).
    let mut stream = connect(emu.addr()).await;
    let head = head(
        emu.addr(),
        limit,
        &format!("expect: 100-continue\r\n{auth}"),
    );
    write(&mut stream, head.as_bytes()).await;
    read_until(&mut stream, "100 Continue\r\n\r\n").await;
}

/// A body of `bytes` bytes: a message whose text pads it to that size.
fn message_of(bytes: usize) -> Value {
    let mut body = hello();
    body["messages"][0]["content"] = Value::String(String::new());
    let padding = bytes - body.to_string().len();
    body["messages"][0]["content"] = Value::String(format!("Hello{}", " ".repeat(padding - 5)));
    assert_eq!(body.to_string().len(), bytes);
    body
}

#[tokio::test]
async fn parallel_large_bodies_all_complete_within_a_small_budget() {
    // Four 3 MB bodies, a 1 MiB budget: each is read alone, and all are answered.
    let emu = started(builder().max_body_bytes_in_flight(1024 * 1024)).await;
    let size = 3_000_000;
    let mut sent = tokio::task::JoinSet::new();
    for i in 0..8 {
        let request = if i % 2 == 0 {
            keyed(&emu, message_of(size))
        } else {
            // Unauthenticated: read in full for the SigV4 hash all the same, then refused.
            common::Req::claude(&emu, "POST", "/v1/messages", message_of(size))
        };
        let addr = emu.addr();
        sent.spawn(async move { request.send(addr).await.status });
    }
    let mut statuses = sent.join_all().await;
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 200, 403, 403, 403, 403]);
    let records = emu.requests();
    assert_eq!(records.len(), 8);
    assert!(records.iter().all(|r| r.body_len == size));
}

#[tokio::test]
async fn a_body_waits_until_the_budget_has_room_for_it() {
    let emu = started(builder().max_body_bytes_in_flight(1_000)).await;
    let body = hello().to_string();
    let auth = format!(
        "authorization: Bearer {API_KEY}\r\nanthropic-version: 2026-10-21\r\n\
         anthropic-workspace-id: {}\r\nexpect: 100-continue\r\n",
        common::WORKSPACE
    );
    // The first body takes the whole budget: its body is asked for at once.
    let mut first = connect(emu.addr()).await;
    let padded = message_of(1_000).to_string();
    write(&mut first, head(emu.addr(), padded.len(), &auth).as_bytes()).await;
    read_until(&mut first, "100 Continue\r\n\r\n").await;
    write(&mut first, &padded.as_bytes()[..10]).await;
    // The second finds no room: its body is not asked for while the first is read.
    let mut second = connect(emu.addr()).await;
    write(&mut second, head(emu.addr(), body.len(), &auth).as_bytes()).await;
    let mut buf = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "the second body was asked for while the budget was full: {:?}",
        early.map(|r| r.map(|n| String::from_utf8_lossy(&buf[..n]).into_owned()))
    );
    // Once the first is answered, its room goes to the second.
    write(&mut first, &padded.as_bytes()[10..]).await;
    let answer = read_until(&mut first, "\r\n\r\n").await;
    assert!(answer.contains(" 200 OK"), "{answer}");
    read_until(&mut second, "100 Continue\r\n\r\n").await;
    write(&mut second, body.as_bytes()).await;
    let answer = read_until(&mut second, "\r\n\r\n").await;
    assert!(answer.contains(" 200 OK"), "{answer}");
}

#[tokio::test]
async fn a_trickled_body_is_cut_after_the_body_timeout() {
    let emu = started(builder().body_read_timeout(Duration::from_millis(200))).await;
    let mut stream = connect(emu.addr()).await;
    // One byte of the hundred announced, then nothing.
    write(&mut stream, head(emu.addr(), 100, "").as_bytes()).await;
    write(&mut stream, b"{").await;
    let answer = read_all(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains("\r\nx-amzn-errortype: requesttimeoutexception\r\n"),
        "{answer}"
    );
    assert!(lower.contains("\r\nconnection: close\r\n"), "{answer}");

    assert_eq!(emu.request_count(), 1);
    let record = &emu.requests()[0];
    assert_eq!(record.status, 408);
    assert_eq!(record.verdict, "RequestTimeoutException");
    assert_eq!(record.body_len, 1);
    assert!(record.body.is_empty());
    // The server still answers others.
    assert_eq!(keyed(&emu, hello()).send(emu.addr()).await.status, 200);
}

#[tokio::test]
async fn three_hundred_slow_bodies_do_not_lock_others_out() {
    let emu = started(builder()).await;
    let body = hello().to_string();
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut stream = connect(emu.addr()).await;
        let head = head(
            emu.addr(),
            body.len(),
            "expect: 100-continue\r\nconnection: close\r\n",
        );
        write(&mut stream, head.as_bytes()).await;
        // hyper asks for the body once the emulator starts reading it.
        read_until(&mut stream, "100 Continue\r\n\r\n").await;
        write(&mut stream, &body.as_bytes()[..1]).await;
        slow.push(stream);
    }
    assert_eq!(emu.request_count(), 300);

    // Meanwhile, someone else is served.
    let other = keyed(&emu, hello()).send(emu.addr()).await;
    assert_eq!(other.status, 200, "{other:?}");
    assert_eq!(emu.request_count(), 301);

    // And the slow ones were all still being read: they finish now.
    for stream in &mut slow {
        write(stream, &body.as_bytes()[1..]).await;
    }
    for stream in &mut slow {
        let answer = read_all(stream).await;
        assert!(answer.contains("HTTP/1.1 403 "), "{answer}");
        assert!(
            answer.contains("MissingAuthenticationTokenException"),
            "{answer}"
        );
    }
    let records = emu.requests();
    assert_eq!(records.len(), 301);
    assert_eq!(records.iter().filter(|r| r.status == 403).count(), 300);
    assert!(records.iter().all(|r| r.body_len == body.len()));
}

#[tokio::test]
async fn a_repeated_authorization_header_is_refused() {
    let emu = started(builder()).await;
    let cases = [
        // SigV4, then garbage.
        Req::claude(&emu, "POST", "/v1/messages", hello())
            .sign()
            .header("authorization", "garbage"),
        // SigV4, then a valid API key.
        Req::claude(&emu, "POST", "/v1/messages", hello())
            .sign()
            .header("authorization", &format!("Bearer {API_KEY}")),
        // A valid API key, then SigV4.
        Req::claude(&emu, "POST", "/v1/messages", hello())
            .header("authorization", &format!("Bearer {API_KEY}"))
            .sign(),
        // The same valid API key twice.
        keyed(&emu, hello()).header("authorization", &format!("Bearer {API_KEY}")),
    ];
    for request in cases {
        let answer: Answer = request.send(emu.addr()).await;
        assert_eq!(
            answer.error(),
            (403, "IncompleteSignatureException".to_owned()),
            "{answer:?}"
        );
        assert_eq!(answer.header("request-id"), None);
        assert!(answer.header("x-amzn-requestid").is_some());
        assert_eq!(
            answer.json()["message"],
            Value::from("Authorization header may be given only once.")
        );
    }
    assert_eq!(emu.request_count(), 4);
    let records = emu.requests();
    assert!(
        records
            .iter()
            .all(|r| r.auth_outcome == AuthOutcome::Rejected
                && r.verdict == "IncompleteSignatureException")
    );
    // Each alone is accepted.
    assert_eq!(keyed(&emu, hello()).send(emu.addr()).await.status, 200);
    let signed = Req::claude(&emu, "POST", "/v1/messages", hello())
        .sign()
        .send(emu.addr())
        .await;
    assert_eq!(signed.status, 200);
}
