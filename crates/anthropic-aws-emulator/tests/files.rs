//! Files over loopback: uploads signed with the AWS SDK's signer (and with
//! the API key), verified by the emulator's own verifier over the exact
//! multipart bytes; content written to disk and read back; limits, paging
//! by cursor, delete, 404s, cut and synthetic downloads.

mod common;

use std::path::Path;

use anthropic_aws_emulator::{
    AuthOutcome, EmulatorBuilder, EmulatorHandle, FILES_MAX_BYTES, synthetic_byte,
};
use common::{API_KEY, Req, WORKSPACE, builder, started};
use serde_json::Value;
use sha2::{Digest, Sha256};

const BOUNDARY: &str = "emulator-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body with one part `file`.
fn multipart(filename: &str, mime: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Deterministic content of `n` bytes, every byte value present.
fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 256) as u8).collect()
}

fn form_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Status, headers and body of an answer.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    fn error_type(&self) -> String {
        let body = self.json();
        match self.header("x-amzn-errortype") {
            Some(kind) => kind.to_owned(),
            None => body["error"]["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// Both request ids are present (an answer of the Claude API).
    fn assert_both_ids(&self) {
        assert!(
            self.header("x-amzn-requestid")
                .is_some_and(|v| !v.is_empty())
        );
        assert!(
            self.header("request-id")
                .is_some_and(|v| v.starts_with("req_"))
        );
    }
}

/// Sends `request`, reading the whole answer.
async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = match response.bytes().await {
        Ok(bytes) => bytes.to_vec(),
        Err(e) => panic!("body failed: {e}"),
    };
    Answer {
        status,
        headers,
        bytes,
    }
}

/// A request with the API key and the Claude headers.
fn keyed(emu: &EmulatorHandle, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", emu.base_url()))
        .header("authorization", format!("Bearer {API_KEY}"))
        .header("anthropic-workspace-id", WORKSPACE)
        .header("anthropic-version", "2026-10-21")
}

/// `POST /v1/files` with `body`, signed over `signed` (the same bytes
/// unless a test tampers), with extra headers (signed too).
fn signed_upload(
    emu: &EmulatorHandle,
    signed: Vec<u8>,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    let mut req = Req::new(emu, "POST", "/v1/files")
        .header("anthropic-version", "2026-10-21")
        .header("anthropic-workspace-id", WORKSPACE)
        .header("content-type", &form_type());
    for (name, value) in extra {
        req = req.header(name, value);
    }
    let req = req.with_bytes(signed).sign();
    let mut request = reqwest::Client::new().post(format!("{}/v1/files", emu.base_url()));
    for (name, value) in req.headers() {
        if name != "host" {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    request.body(body)
}

/// `POST /v1/files` with the API key.
fn keyed_upload(emu: &EmulatorHandle, body: Vec<u8>) -> reqwest::RequestBuilder {
    keyed(emu, reqwest::Method::POST, "/v1/files")
        .header("content-type", form_type())
        .body(body)
}

/// An upload of a file of `n` zero bytes, streamed from one static chunk: never in memory.
fn streamed_upload(emu: &EmulatorHandle, n: u64) -> reqwest::RequestBuilder {
    const CHUNK: u64 = 1024 * 1024;
    static ZEROS: [u8; CHUNK as usize] = [0; CHUNK as usize];
    let head = bytes::Bytes::from(format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    ));
    let tail = bytes::Bytes::from(format!("\r\n--{BOUNDARY}--\r\n"));
    let len = head.len() as u64 + n + tail.len() as u64;
    let zeros = (0..n.div_ceil(CHUNK)).map(move |i| {
        let size = usize::try_from((n - i * CHUNK).min(CHUNK)).unwrap_or(0);
        bytes::Bytes::from_static(&ZEROS[..size])
    });
    let chunks = std::iter::once(head)
        .chain(zeros)
        .chain(std::iter::once(tail))
        .map(Ok::<_, std::io::Error>);
    keyed(emu, reqwest::Method::POST, "/v1/files")
        .header("content-type", form_type())
        .header("content-length", len)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
}

fn get(emu: &EmulatorHandle, path: &str) -> reqwest::RequestBuilder {
    keyed(emu, reqwest::Method::GET, path)
}

/// The files the emulator keeps on disk under `parent`.
fn files_on_disk(parent: &Path) -> usize {
    let Ok(dirs) = std::fs::read_dir(parent) else {
        return 0;
    };
    dirs.flatten()
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .map(Iterator::count)
        .sum()
}

async fn with_dir(builder: EmulatorBuilder) -> (EmulatorHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let emu = started(builder.files_dir(dir.path())).await;
    (emu, dir)
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn a_signed_upload_round_trips_and_its_hash_is_the_body_s() {
    let (emu, dir) = with_dir(builder()).await;
    let data = content(300_000);
    let body = multipart("report.pdf", "application/pdf", &data);
    let answer = send(signed_upload(
        &emu,
        body.clone(),
        body.clone(),
        &[("x-emulator-scenario", "file-downloadable=true")],
    ))
    .await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );
    answer.assert_both_ids();
    let file = answer.json();
    let id = file["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("file_"), "{file}");
    assert_eq!(file["type"], "file");
    assert_eq!(file["filename"], "report.pdf");
    assert_eq!(file["mime_type"], "application/pdf");
    assert_eq!(file["size_bytes"], 300_000);
    assert_eq!(file["downloadable"], true);
    let created = file["created_at"].as_str().unwrap_or_default();
    assert!(
        anthropic_aws_emulator::time::parse_rfc3339(created).is_some(),
        "{created}"
    );
    assert_eq!(files_on_disk(dir.path()), 1);

    let record = emu.requests().pop().unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.auth_outcome, AuthOutcome::Accepted);
    assert_eq!(record.body_len, body.len());
    assert!(record.body.is_empty());
    assert_eq!(record.body_sha256, Some(hex_sha256(&body)));
    assert_eq!(emu.file_upload_count(), 1);

    let metadata = send(get(&emu, &format!("/v1/files/{id}"))).await;
    assert_eq!((metadata.status, metadata.json()), (200, file.clone()));

    let download = send(get(&emu, &format!("/v1/files/{id}/content"))).await;
    assert_eq!(download.status, 200);
    download.assert_both_ids();
    assert_eq!(download.header("content-type"), Some("application/pdf"));
    assert_eq!(download.header("content-length"), Some("300000"));
    assert!(download.bytes == data, "downloaded bytes differ");

    let infos = emu.files();
    assert_eq!(infos.len(), 1);
    assert_eq!(
        (
            infos[0].id.as_str(),
            infos[0].size_bytes,
            infos[0].synthetic
        ),
        (id.as_str(), 300_000, false)
    );
}

#[tokio::test]
async fn uploads_are_not_downloadable_unless_asked() {
    let emu = started(builder()).await;
    let answer = send(keyed_upload(&emu, multipart("a.txt", "text/plain", b"hi"))).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["downloadable"], false);
    let id = answer.json()["id"].as_str().unwrap_or_default().to_owned();
    let download = send(get(&emu, &format!("/v1/files/{id}/content"))).await;
    assert_eq!(
        (download.status, download.error_type()),
        (400, "invalid_request_error".to_owned())
    );
    download.assert_both_ids();
    let message = download.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("not downloadable"), "{message}");

    let everything = started(builder().files_downloadable(true)).await;
    let answer = send(keyed_upload(
        &everything,
        multipart("a.txt", "text/plain", b"hi"),
    ))
    .await;
    assert_eq!(answer.json()["downloadable"], true);
    let scenario = keyed_upload(&everything, multipart("b.txt", "text/plain", b"yo"))
        .header("x-emulator-scenario", "file-downloadable=false");
    assert_eq!(send(scenario).await.json()["downloadable"], false);
}

#[tokio::test]
async fn a_tampered_body_is_rejected_and_leaves_no_file() {
    let (emu, dir) = with_dir(builder()).await;
    let body = multipart("a.bin", "application/octet-stream", &content(50_000));
    let mut tampered = body.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    let answer = send(signed_upload(&emu, body.clone(), tampered.clone(), &[])).await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (403, "InvalidSignatureException".to_owned())
    );
    let record = emu.requests().pop().unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.auth_outcome, AuthOutcome::Rejected);
    assert_eq!(record.body_sha256, Some(hex_sha256(&tampered)));
    assert_eq!((emu.file_upload_count(), emu.files().len()), (0, 0));
    assert_eq!(files_on_disk(dir.path()), 0);

    // Without credentials, even a malformed body is refused at the door.
    let answer = send(
        reqwest::Client::new()
            .post(format!("{}/v1/files", emu.base_url()))
            .header("content-type", "text/plain")
            .body("not multipart"),
    )
    .await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (403, "MissingAuthenticationTokenException".to_owned())
    );
    // The untampered body passes.
    assert_eq!(
        send(signed_upload(&emu, body.clone(), body, &[]))
            .await
            .status,
        200
    );
    assert_eq!(files_on_disk(dir.path()), 1);
}

#[tokio::test]
async fn malformed_uploads_are_invalid_requests() {
    let (emu, dir) = with_dir(builder()).await;
    let no_filename = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--{BOUNDARY}--\r\n"
    );
    let other_part = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n"
    );
    let truncated = multipart("a", "text/plain", b"abc")[..40].to_vec();
    for (body, content_type, needle) in [
        (no_filename.into_bytes(), form_type(), "filename"),
        (other_part.into_bytes(), form_type(), "purpose"),
        (truncated, form_type(), "malformed"),
        (
            b"{}".to_vec(),
            "application/json".to_owned(),
            "multipart/form-data",
        ),
    ] {
        let answer = send(
            keyed(&emu, reqwest::Method::POST, "/v1/files")
                .header("content-type", content_type)
                .body(body),
        )
        .await;
        assert_eq!(
            (answer.status, answer.error_type()),
            (400, "invalid_request_error".to_owned()),
            "{needle}"
        );
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(needle), "{needle}: {message}");
    }
    // A part without a content type is application/octet-stream.
    let bare = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc\r\n--{BOUNDARY}--\r\n"
    );
    let answer = send(keyed_upload(&emu, bare.into_bytes())).await;
    assert_eq!(answer.json()["mime_type"], "application/octet-stream");
    assert_eq!(answer.json()["size_bytes"], 3);
    assert_eq!(emu.file_upload_count(), 5);
    assert_eq!((emu.files().len(), files_on_disk(dir.path())), (1, 1));
}

#[tokio::test]
async fn files_over_the_limit_are_413() {
    let (emu, dir) = with_dir(builder().max_file_bytes(1_000)).await;
    // At the limit: taken.
    let answer = send(keyed_upload(
        &emu,
        multipart("a", "text/plain", &content(1_000)),
    ))
    .await;
    assert_eq!(answer.status, 200);
    // One byte over, within the multipart overhead: refused after reading.
    let answer = send(keyed_upload(
        &emu,
        multipart("a", "text/plain", &content(1_001)),
    ))
    .await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (413, "request_too_large".to_owned())
    );
    answer.assert_both_ids();
    assert_eq!((emu.files().len(), files_on_disk(dir.path())), (1, 1));
    assert_eq!(emu.file_upload_count(), 2);
    // A body over the limit and the overhead: refused before reading.
    let big = multipart("a", "text/plain", &content(1_000 + 64 * 1024 + 1));
    let answer = send(keyed_upload(&emu, big)).await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (413, "request_too_large".to_owned())
    );
    assert_eq!(answer.header("connection"), Some("close"));
    let record = emu.requests().pop().unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.auth_outcome, AuthOutcome::Unchecked);
    assert_eq!(emu.file_upload_count(), 2);
    assert_eq!((emu.files().len(), files_on_disk(dir.path())), (1, 1));
}

#[tokio::test]
async fn the_default_file_limit_is_the_platform_s_500_mb_exactly() {
    assert_eq!(FILES_MAX_BYTES, 500_000_000);
    let (emu, dir) = with_dir(builder()).await;
    let answer = send(streamed_upload(&emu, FILES_MAX_BYTES)).await;
    assert_eq!(answer.status, 200, "{}", answer.error_type());
    assert_eq!(answer.json()["size_bytes"], FILES_MAX_BYTES);
    let taken = answer.json()["id"].as_str().map(str::to_owned);
    let answer = send(keyed(
        &emu,
        reqwest::Method::DELETE,
        &format!("/v1/files/{}", taken.unwrap_or_default()),
    ))
    .await;
    assert_eq!(answer.status, 200);
    let answer = send(streamed_upload(&emu, FILES_MAX_BYTES + 1)).await;
    assert_eq!(
        (answer.status, answer.error_type()),
        (413, "request_too_large".to_owned())
    );
    assert_eq!((emu.files().len(), files_on_disk(dir.path())), (0, 0));
}

#[tokio::test]
async fn content_answers_a_range_with_206_and_an_unsatisfiable_one_with_416() {
    let emu = started(builder()).await;
    let id = emu.add_synthetic_file("big.bin", 1_000);
    let path = format!("/v1/files/{id}/content");
    let whole = send(get(&emu, &path)).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.bytes.len(), 1_000);
    let expected = |from: u64, to: u64| (from..to).map(synthetic_byte).collect::<Vec<u8>>();
    for (range, from, to) in [
        ("bytes=100-", 100, 1_000),
        ("bytes=100-199", 100, 200),
        ("bytes=-10", 990, 1_000),
    ] {
        let part = send(get(&emu, &path).header("range", range)).await;
        assert_eq!(part.status, 206, "{range}");
        let content_range = format!("bytes {from}-{}/1000", to - 1);
        assert_eq!(part.header("content-range"), Some(content_range.as_str()));
        assert_eq!(
            part.header("content-length"),
            Some((to - from).to_string().as_str())
        );
        assert!(part.bytes == expected(from, to), "{range}");
        part.assert_both_ids();
    }
    // A cut counts from the range's start.
    let cut = get(&emu, &path)
        .header("range", "bytes=500-")
        .header("x-emulator-scenario", "cut-after-bytes=100")
        .send()
        .await;
    let mut cut = cut.unwrap_or_else(|e| panic!("request failed: {e}"));
    assert_eq!(cut.status(), 206);
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = cut.chunk().await {
        bytes.extend_from_slice(&chunk);
    }
    assert!(bytes == expected(500, 600), "{}", bytes.len());
    let refused = send(get(&emu, &path).header("range", "bytes=1000-")).await;
    assert_eq!(
        (refused.status, refused.header("content-range")),
        (416, Some("bytes */1000"))
    );
    refused.assert_both_ids();
    // A range the server does not serve (several of them) is ignored: the whole file.
    let several = send(get(&emu, &path).header("range", "bytes=0-1,5-6")).await;
    assert_eq!((several.status, several.bytes.len()), (200, 1_000));
}

/// The ids of a page, and its cursor.
async fn page(emu: &EmulatorHandle, query: &str) -> (Vec<String>, Option<String>) {
    let answer = send(get(emu, &format!("/v1/files{query}"))).await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );
    answer.assert_both_ids();
    let body = answer.json();
    let ids = body["data"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .map(|f| f["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (ids, body["next_page"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn lists_page_newest_first_by_cursor() {
    let emu = started(builder()).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let name = format!("f{i}.txt");
        let answer = send(keyed_upload(&emu, multipart(&name, "text/plain", b"x"))).await;
        ids.push(answer.json()["id"].as_str().unwrap_or_default().to_owned());
    }
    ids.reverse();

    let (first, next) = page(&emu, "?limit=2").await;
    assert_eq!(first, ids[..2]);
    let next = next.unwrap_or_else(|| panic!("no next_page"));
    assert!(next.starts_with("page_"), "{next}");
    let (second, next) = page(&emu, &format!("?limit=2&page={next}")).await;
    assert_eq!(second, ids[2..4]);
    let next = next.unwrap_or_else(|| panic!("no next_page"));
    let (third, last) = page(&emu, &format!("?limit=2&page={next}")).await;
    assert_eq!((third, last), (ids[4..].to_vec(), None));

    let (all, none) = page(&emu, "").await;
    assert_eq!((all, none), (ids.clone(), None));
    let (exact, none) = page(&emu, "?limit=5").await;
    assert_eq!((exact.len(), none), (5, None));

    // A deleted file's cursor still pages on.
    let (_, cursor) = page(&emu, "?limit=1").await;
    let deleted = send(keyed(
        &emu,
        reqwest::Method::DELETE,
        &format!("/v1/files/{}", ids[0]),
    ))
    .await;
    assert_eq!(deleted.status, 200);
    let cursor = cursor.unwrap_or_else(|| panic!("no next_page"));
    let (rest, _) = page(&emu, &format!("?limit=10&page={cursor}")).await;
    assert_eq!(rest, ids[1..]);

    for query in [
        "?page=page_0000000000000000000000",
        "?page=garbage",
        "?page=",
        "?limit=0",
        "?limit=1001",
        "?limit=two",
    ] {
        let answer = send(get(&emu, &format!("/v1/files{query}"))).await;
        assert_eq!(
            (answer.status, answer.error_type()),
            (400, "invalid_request_error".to_owned()),
            "{query}"
        );
    }
    let (max, _) = page(&emu, "?limit=1000").await;
    assert_eq!(max.len(), 4);
}

#[tokio::test]
async fn delete_removes_the_file_and_unknown_ids_are_404() {
    let (emu, dir) = with_dir(builder().files_downloadable(true)).await;
    let answer = send(keyed_upload(&emu, multipart("a", "text/plain", b"abc"))).await;
    let id = answer.json()["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(files_on_disk(dir.path()), 1);

    let path = format!("/v1/files/{id}");
    let deleted = send(keyed(&emu, reqwest::Method::DELETE, &path)).await;
    assert_eq!(deleted.status, 200);
    deleted.assert_both_ids();
    assert_eq!(
        deleted.json(),
        serde_json::json!({"id": id, "type": "file_deleted"})
    );
    assert_eq!((emu.files().len(), files_on_disk(dir.path())), (0, 0));

    for (method, path) in [
        (reqwest::Method::GET, path.clone()),
        (reqwest::Method::GET, format!("{path}/content")),
        (reqwest::Method::DELETE, path.clone()),
        (reqwest::Method::GET, "/v1/files/file_unknown".to_owned()),
        (
            reqwest::Method::GET,
            "/v1/files/file_unknown/content".to_owned(),
        ),
        (reqwest::Method::DELETE, "/v1/files/file_unknown".to_owned()),
    ] {
        let answer = send(keyed(&emu, method.clone(), &path)).await;
        assert_eq!(
            (answer.status, answer.error_type()),
            (404, "not_found_error".to_owned()),
            "{method} {path}"
        );
        answer.assert_both_ids();
    }
    let answer = send(keyed(&emu, reqwest::Method::PUT, "/v1/files")).await;
    assert_eq!(answer.status, 405);
}

/// Reads the content of `id` until it ends or breaks: the bytes, and
/// whether it ended cleanly.
async fn download(emu: &EmulatorHandle, id: &str, scenario: Option<&str>) -> (u16, Vec<u8>, bool) {
    let mut request = get(emu, &format!("/v1/files/{id}/content"));
    if let Some(scenario) = scenario {
        request = request.header("x-emulator-scenario", scenario);
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => return (status, bytes, true),
            Err(_) => return (status, bytes, false),
        }
    }
}

#[tokio::test]
async fn a_cut_download_breaks_off_after_its_bytes() {
    let emu = started(builder().files_downloadable(true)).await;
    let data = content(200_000);
    let answer = send(keyed_upload(&emu, multipart("a", "text/plain", &data))).await;
    let id = answer.json()["id"].as_str().unwrap_or_default().to_owned();

    let scenario = Some("cut-after-bytes=70001;times=1");
    let (status, bytes, complete) = download(&emu, &id, scenario).await;
    assert_eq!((status, complete), (200, false));
    assert!(bytes == data[..70_001], "got {} bytes", bytes.len());
    let record = emu.requests().pop().unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.verdict, "body_cut");
    // `times=1`: the next download with the same scenario is whole.
    let (_, bytes, complete) = download(&emu, &id, scenario).await;
    assert!(complete && bytes == data);
    // A queued CutBody cuts a download halfway.
    emu.push_fault(anthropic_aws_emulator::Fault::CutBody);
    let (_, bytes, complete) = download(&emu, &id, None).await;
    assert!(
        !complete && bytes == data[..100_000],
        "got {} bytes",
        bytes.len()
    );
}

#[tokio::test]
async fn a_synthetic_file_streams_its_bytes() {
    let emu = started(builder()).await;
    let size: u64 = 96 * 1024 * 1024 + 3;
    let id = emu.add_synthetic_file("big.bin", size);
    let metadata = send(get(&emu, &format!("/v1/files/{id}"))).await;
    assert_eq!(metadata.json()["size_bytes"], size);
    assert_eq!(metadata.json()["downloadable"], true);

    let mut response = match get(&emu, &format!("/v1/files/{id}/content")).send().await {
        Ok(response) => response,
        Err(e) => panic!("request failed: {e}"),
    };
    assert_eq!(response.content_length(), Some(size));
    let mut count: u64 = 0;
    let mut mismatches = 0;
    while let Ok(Some(chunk)) = response.chunk().await {
        for (i, byte) in chunk.iter().enumerate().step_by(4093) {
            if *byte != synthetic_byte(count + i as u64) {
                mismatches += 1;
            }
        }
        count += chunk.len() as u64;
    }
    assert_eq!((count, mismatches), (size, 0));

    // `file-synthetic-bytes=N` on an upload makes one too.
    let upload = keyed_upload(&emu, multipart("s.bin", "application/x-thing", b"ignored"))
        .header("x-emulator-scenario", "file-synthetic-bytes=5000");
    let file = send(upload).await.json();
    assert_eq!(
        (
            &file["size_bytes"],
            &file["downloadable"],
            &file["mime_type"]
        ),
        (
            &Value::from(5000),
            &Value::from(true),
            &Value::from("application/x-thing")
        )
    );
    let id = file["id"].as_str().unwrap_or_default();
    let (_, bytes, complete) = download(&emu, id, None).await;
    assert!(complete);
    assert!(
        bytes
            .iter()
            .enumerate()
            .all(|(i, b)| *b == synthetic_byte(i as u64))
    );
    assert_eq!(bytes.len(), 5000);
}

#[tokio::test]
async fn scenario_faults_hit_uploads_and_a_retry_is_another_upload() {
    let (emu, dir) = with_dir(builder()).await;
    let body = multipart("a", "text/plain", &content(10_000));
    let scenario = [("x-emulator-scenario", "status=529;times=1")];
    let first = send(signed_upload(&emu, body.clone(), body.clone(), &scenario)).await;
    assert_eq!(
        (first.status, first.error_type()),
        (529, "overloaded_error".to_owned())
    );
    first.assert_both_ids();
    assert_eq!((emu.file_upload_count(), files_on_disk(dir.path())), (0, 0));
    let second = send(signed_upload(&emu, body.clone(), body.clone(), &scenario)).await;
    assert_eq!(second.status, 200);
    assert_eq!((emu.file_upload_count(), files_on_disk(dir.path())), (1, 1));
    let hashes: Vec<Option<String>> = emu.requests().into_iter().map(|r| r.body_sha256).collect();
    assert_eq!(hashes, vec![Some(hex_sha256(&body)); 2]);
}
