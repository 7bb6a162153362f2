//! Files against the local platform over loopback: uploads streamed and signed over the exact
//! multipart bytes (verified by the platform's own SigV4 verifier), bytes round-trip, the
//! 500 MB limit refused with nothing sent, paging by cursor, downloads that break off leaving
//! nothing behind, a retried upload re-sending the same bytes, IAM actions in AccessDenied.

mod common;

use std::sync::{Arc, Mutex};

use anthropic_aws::error::FileError;
use anthropic_aws::resources::{FILES_MAX_BYTES, FileUpload};
use anthropic_aws::types::FileListParams;
use anthropic_aws::{Error, ErrorType, ProvideErrorMetadata};
use anthropic_aws_emulator::{AuthOutcome, Emulator, EmulatorHandle, Fault, RecordedRequest};
use common::{
    ACCESS_KEY, API_KEY, REGION, SECRET, SESSION_ACCESS_KEY, SESSION_SECRET, SESSION_TOKEN,
    WORKSPACE, builder, client_with_scenario, dir_entries, platform, signed_client,
};
use futures_util::TryStreamExt;

/// Deterministic content of `n` bytes, every byte value present, no period shorter than 251.
fn content(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 7 + i / 251) % 256) as u8).collect()
}

/// A platform whose uploads are downloadable, recording bodies.
async fn downloadable_platform() -> EmulatorHandle {
    Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET)
        .session_credentials(SESSION_ACCESS_KEY, SESSION_SECRET, SESSION_TOKEN)
        .api_key(API_KEY)
        .files_downloadable(true)
        .start()
        .await
        .expect("the local platform starts")
}

fn uploads(platform: &EmulatorHandle) -> Vec<RecordedRequest> {
    platform
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path_and_query == "/v1/files")
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The multipart body the client sends for `content`, rebuilt from the boundary it used.
fn expected_body(request: &RecordedRequest, filename: &str, mime: &str, content: &[u8]) -> Vec<u8> {
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn a_signed_upload_is_verified_over_the_multipart_bytes_and_round_trips() {
    let platform = downloadable_platform().await;
    let dir = tempfile::tempdir().unwrap();
    // Crosses several read chunks and ends mid-chunk.
    let data = content(700 * 1024 + 13);
    let input = dir.path().join("table.csv");
    std::fs::write(&input, &data).unwrap();

    for client in [
        signed_client(&platform).await,
        builder(&platform)
            .access_key(SESSION_ACCESS_KEY, SESSION_SECRET)
            .session_token(SESSION_TOKEN)
            .max_retries(0)
            .build()
            .await
            .unwrap(),
    ] {
        let progress = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&progress);
        let upload = FileUpload::path(&input)
            .on_progress(move |sent, total| seen.lock().unwrap().push((sent, total)));
        let file = client.files().upload(upload).await.unwrap();
        assert!(file.id.starts_with("file_"), "{}", file.id);
        assert_eq!(file.filename, "table.csv");
        assert_eq!(file.mime_type, "text/csv");
        assert_eq!(file.size_bytes, data.len() as u64);
        assert!(file.downloadable);
        assert!(file.aws_request_id().is_some_and(|id| !id.is_empty()));
        assert!(
            file.anthropic_request_id()
                .is_some_and(|id| id.starts_with("req_"))
        );
        let progress = progress.lock().unwrap().clone();
        assert!(progress.len() > 1, "{progress:?}");
        assert_eq!(
            progress.last(),
            Some(&(data.len() as u64, data.len() as u64))
        );

        let request = uploads(&platform).pop().unwrap();
        assert_eq!(request.auth_outcome, AuthOutcome::Accepted);
        assert_eq!(request.status, 200);
        let body = expected_body(&request, "table.csv", "text/csv", &data);
        assert_eq!(
            request.body_sha256.as_deref(),
            Some(sha256_hex(&body).as_str())
        );
        assert_eq!(
            request.header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert_eq!(request.header("transfer-encoding"), None);
        let signed = common::signed_headers(&request);
        assert!(signed.contains(&"content-length".to_owned()), "{signed:?}");
        assert!(signed.contains(&"content-type".to_owned()), "{signed:?}");

        // The bytes come back, to a writer and to a path.
        let mut back = Vec::new();
        let done = client.files().download(&file.id, &mut back).await.unwrap();
        assert_eq!(done.bytes, data.len() as u64);
        assert!(back == data, "the downloaded bytes differ");
        assert!(done.aws_request_id().is_some() && done.anthropic_request_id().is_some());
        let output = dir.path().join(format!("{}.csv", file.id));
        let last = Arc::new(Mutex::new(None));
        let seen = Arc::clone(&last);
        client
            .files()
            .on_download_progress(move |got, total| *seen.lock().unwrap() = Some((got, total)))
            .download_to_path(&file.id, &output)
            .await
            .unwrap();
        assert!(std::fs::read(&output).unwrap() == data);
        let len = data.len() as u64;
        assert_eq!(*last.lock().unwrap(), Some((len, Some(len))));
    }
    assert_eq!(platform.file_upload_count(), 2);
}

#[tokio::test]
async fn an_api_key_upload_needs_no_hash_pass_and_a_reader_source_works() {
    let platform = downloadable_platform().await;
    let client = builder(&platform)
        .api_key(API_KEY)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let data = content(300_001);
    let file = client
        .files()
        .upload(FileUpload::bytes("chart.png", data.clone()))
        .await
        .unwrap();
    assert_eq!(file.mime_type, "image/png");
    assert_eq!(file.size_bytes, 300_001);
    let request = uploads(&platform).pop().unwrap();
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("Bearer ")
    );
    let body = expected_body(&request, "chart.png", "image/png", &data);
    assert_eq!(
        request.body_sha256.as_deref(),
        Some(sha256_hex(&body).as_str())
    );
    let mut back = Vec::new();
    client.files().download(&file.id, &mut back).await.unwrap();
    assert!(back == data);
}

#[tokio::test]
async fn an_upload_over_500_mb_is_refused_with_nothing_sent() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    // Sparse: no disk space used.
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(FILES_MAX_BYTES + 1).unwrap();
    drop(file);
    let err = client
        .files()
        .upload(FileUpload::path(&big))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    assert!(
        matches!(err, Error::RequestTooLarge { size, limit } if size as u64 == FILES_MAX_BYTES + 1 && limit as u64 == FILES_MAX_BYTES),
        "{err}"
    );
    // A reader that claims too much is refused the same way, without being opened.
    let opened = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&opened);
    let upload = FileUpload::reader("x.bin", 600_000_000, move || {
        *flag.lock().unwrap() = true;
        async { Ok(std::io::Cursor::new(Vec::<u8>::new())) }
    });
    let err = client.files().upload(upload).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    assert!(!*opened.lock().unwrap());
    assert_eq!(platform.request_count(), 0);
}

#[tokio::test]
async fn an_upload_of_exactly_500_mb_is_sent() {
    // One number on both sides: the platform's 500 MB, in bytes.
    assert_eq!(FILES_MAX_BYTES, 500_000_000);
    assert_eq!(FILES_MAX_BYTES, anthropic_aws_emulator::FILES_MAX_BYTES);
    // A platform that takes 1,000 bytes refuses the body by its declared length, before
    // reading it: the client sent the request, and nothing of 500 MB was read or kept.
    let platform = Emulator::builder()
        .region(REGION)
        .workspace_id(WORKSPACE)
        .api_key(API_KEY)
        .max_file_bytes(1_000)
        .start()
        .await
        .unwrap();
    let client = builder(&platform)
        .api_key(API_KEY)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let upload = FileUpload::reader("big.bin", FILES_MAX_BYTES, || async {
        Ok(tokio::io::AsyncReadExt::take(
            tokio::io::repeat(0),
            FILES_MAX_BYTES,
        ))
    });
    let err = client.files().upload(upload).await.unwrap_err();
    // The platform's answer, not the client's refusal.
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    assert_eq!(platform.request_count(), 1);
    let sent = platform.requests().pop().unwrap();
    let declared: u64 = sent.header("content-length").unwrap().parse().unwrap();
    assert!(declared > FILES_MAX_BYTES, "{declared}");
}

#[tokio::test]
async fn list_all_follows_the_next_page_cursor() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let mut uploaded = Vec::new();
    for i in 0..5 {
        let file = client
            .files()
            .upload(FileUpload::bytes(format!("f{i}.txt"), format!("file {i}")))
            .await
            .unwrap();
        uploaded.push(file.id.clone());
    }
    let first = client
        .files()
        .list(&FileListParams::new().limit(2))
        .await
        .unwrap();
    assert_eq!(first.data.len(), 2);
    let cursor = first.next_page.clone().expect("a next page");
    assert!(first.aws_request_id().is_some());

    let pages: Vec<_> = client
        .files()
        .list_pages(&FileListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    assert_eq!(pages[2].next_page, None);
    let lists: Vec<_> = platform
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path_and_query.starts_with("/v1/files?"))
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(lists[1], "/v1/files?limit=2");
    assert_eq!(lists[2], format!("/v1/files?limit=2&page={cursor}"));

    let mut all: Vec<String> = client
        .files()
        .list_all(&FileListParams::new().limit(2))
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .unwrap();
    all.sort();
    uploaded.sort();
    assert_eq!(all, uploaded);
}

#[tokio::test]
async fn metadata_delete_and_not_found() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let file = client
        .files()
        .upload(FileUpload::bytes("notes.md", "# notes").mime_type("text/markdown"))
        .await
        .unwrap();
    let meta = client.files().retrieve_metadata(&file.id).await.unwrap();
    assert_eq!(meta.filename, "notes.md");
    assert_eq!(meta.mime_type, "text/markdown");
    assert_eq!(meta.size_bytes, 7);
    assert!(!meta.downloadable);
    let deleted = client.files().delete(&file.id).await.unwrap();
    assert_eq!(
        (deleted.id.as_str(), deleted.kind.as_str()),
        (file.id.as_str(), "file_deleted")
    );
    assert!(deleted.aws_request_id().is_some() && deleted.anthropic_request_id().is_some());
    let err = client
        .files()
        .retrieve_metadata(&file.id)
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::NotFound));
    assert!(err.aws_request_id().is_some());
}

#[tokio::test]
async fn a_cut_download_leaves_nothing_at_the_output_path() {
    let platform = downloadable_platform().await;
    let client = signed_client(&platform).await;
    let data = content(1_000_000);
    let file = client
        .files()
        .upload(FileUpload::bytes("data.bin", data))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("data.bin");
    // Every answer is cut: no retry, so nothing resumes.
    let cutting = client_with_scenario(&platform, "cut-after-bytes=400000", 0).await;
    let err = cutting
        .files()
        .download_to_path(&file.id, &output)
        .await
        .unwrap_err();
    match &err {
        Error::File(FileError::DownloadIncomplete {
            received, expected, ..
        }) => {
            assert_eq!(*expected, Some(1_000_000));
            assert!(*received < 1_000_000, "{received}");
        }
        other => panic!("expected an incomplete download, got {other:?}"),
    }
    assert!(err.aws_request_id().is_some() && err.anthropic_request_id().is_some());
    assert!(
        dir_entries(dir.path()).is_empty(),
        "{:?}",
        dir_entries(dir.path())
    );

    // An existing file at the output path stays as it was.
    std::fs::write(&output, b"keep me").unwrap();
    cutting
        .files()
        .download_to_path(&file.id, &output)
        .await
        .unwrap_err();
    assert_eq!(std::fs::read(&output).unwrap(), b"keep me");
    assert_eq!(dir_entries(dir.path()), ["data.bin"]);

    // A file that is not downloadable: an API error, nothing written.
    let plain = signed_client(&platform).await;
    let kept = client_with_scenario(&platform, "file-downloadable=false", 0).await;
    let private = kept
        .files()
        .upload(FileUpload::bytes("p.txt", "private"))
        .await
        .unwrap();
    let target = dir.path().join("p.txt");
    let err = plain
        .files()
        .download_to_path(&private.id, &target)
        .await
        .unwrap_err();
    assert!(err.as_api().is_some(), "{err}");
    assert_eq!(dir_entries(dir.path()), ["data.bin"]);
}

#[tokio::test]
async fn a_retried_upload_resends_the_same_bytes() {
    let platform = platform().await;
    let client = client_with_scenario(&platform, "status=529;times=1", 2).await;
    let dir = tempfile::tempdir().unwrap();
    let data = content(600_000);
    let input = dir.path().join("retry.bin");
    std::fs::write(&input, &data).unwrap();
    let file = client
        .files()
        .upload(FileUpload::path(&input))
        .await
        .unwrap();
    assert_eq!(file.retries(), 1);
    assert_eq!(file.size_bytes, 600_000);
    let sent = uploads(&platform);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].status, 529);
    assert_eq!(sent[1].status, 200);
    let body = expected_body(&sent[1], "retry.bin", "application/octet-stream", &data);
    for request in &sent {
        assert_eq!(
            request.body_sha256.as_deref(),
            Some(sha256_hex(&body).as_str())
        );
        assert_eq!(request.auth_outcome, AuthOutcome::Accepted);
    }
    // Signed afresh: the retry count is a signed header, so the signatures differ.
    assert_ne!(
        sent[0].header("authorization"),
        sent[1].header("authorization")
    );
    assert_eq!(platform.file_upload_count(), 1);
}

#[tokio::test]
async fn an_access_denied_answer_names_the_files_action() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let denied =
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform this action";
    let cases: [(&str, &str); 5] = [
        ("upload", "CreateFile"),
        ("list", "ListFiles"),
        ("retrieve", "GetFile"),
        ("download", "GetFile"),
        ("delete", "DeleteFile"),
    ];
    for (call, action) in cases {
        platform.push_fault(Fault::aws(403, "AccessDeniedException", denied));
        let files = client.files();
        let err = match call {
            "upload" => files
                .upload(FileUpload::bytes("a.txt", "a"))
                .await
                .map(drop),
            "list" => files.list(&FileListParams::new()).await.map(drop),
            "retrieve" => files.retrieve_metadata("file_1").await.map(drop),
            "download" => files.download("file_1", &mut Vec::new()).await.map(drop),
            _ => files.delete("file_1").await.map(drop),
        }
        .unwrap_err();
        let message = ProvideErrorMetadata::message(&err).unwrap();
        assert_eq!(err.error_type(), Some(&ErrorType::Permission), "{call}");
        assert!(
            message.contains(&format!("`aws-external-anthropic:{action}`")),
            "{call}: {message}"
        );
    }
    assert_eq!(platform.file_upload_count(), 0);
}
