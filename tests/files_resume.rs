//! Downloads that break off after the headers resume from the bytes already written
//! (`Range: bytes=N-`), within the retry budget, checked against the file's size and the
//! `206`'s `Content-Range`; past the budget, a typed error and nothing at the output path.

mod common;

use anthropic_aws::error::FileError;
use anthropic_aws::resources::FileUpload;
use anthropic_aws::{Client, Error};
use anthropic_aws_emulator::{EmulatorHandle, RecordedRequest, synthetic_byte};
use common::hostile::{Hostile, Later, Mode};
use common::{
    ACCESS_KEY, SECRET, builder, builder_at, client_with_scenario, dir_entries, platform,
};

/// The `GET …/content` requests the platform received, oldest first.
fn downloads(platform: &EmulatorHandle) -> Vec<RecordedRequest> {
    platform
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path_and_query.ends_with("/content"))
        .collect()
}

/// Each download request's `Range` and the status it was answered.
fn ranges(platform: &EmulatorHandle) -> Vec<(Option<String>, u16)> {
    downloads(platform)
        .iter()
        .map(|r| (r.header("range").map(str::to_owned), r.status))
        .collect()
}

fn synthetic(size: u64) -> Vec<u8> {
    (0..size).map(synthetic_byte).collect()
}

#[tokio::test]
async fn a_download_cut_once_resumes_where_it_broke_off() {
    let platform = platform().await;
    let client = builder(&platform)
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .unwrap();
    // Content on disk (an upload), so the resumed range is read from its offset.
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 253) as u8).collect();
    let file = client
        .files()
        .with_options(
            anthropic_aws::RequestOptions::new()
                .header("x-emulator-scenario", "file-downloadable=true"),
        )
        .upload(FileUpload::bytes("data.bin", data.clone()))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("data.bin");
    let cutting = client_with_scenario(&platform, "cut-after-bytes=300000;times=1", 2).await;
    let done = cutting
        .files()
        .download_to_path(&file.id, &output)
        .await
        .unwrap();
    assert_eq!(done.bytes, 1_000_000);
    assert!(std::fs::read(&output).unwrap() == data, "the bytes differ");
    assert_eq!(dir_entries(dir.path()), ["data.bin"]);
    assert_eq!(
        ranges(&platform),
        [(None, 200), (Some("bytes=300000-".to_owned()), 206)]
    );
}

#[tokio::test]
async fn a_download_cut_twice_resumes_twice_into_any_writer() {
    let platform = platform().await;
    let id = platform.add_synthetic_file("big.bin", 1_000_000);
    let cutting = client_with_scenario(&platform, "cut-after-bytes=300000;times=2", 2).await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let progress = std::sync::Arc::clone(&seen);
    let mut out = Vec::new();
    let done = cutting
        .files()
        .on_download_progress(move |got, total| progress.lock().unwrap().push((got, total)))
        .download(&id, &mut out)
        .await
        .unwrap();
    assert_eq!(done.bytes, 1_000_000);
    assert!(out == synthetic(1_000_000), "the bytes differ");
    assert_eq!(
        ranges(&platform),
        [
            (None, 200),
            (Some("bytes=300000-".to_owned()), 206),
            (Some("bytes=600000-".to_owned()), 206),
        ]
    );
    // Progress only moves forward, to the file's size.
    let seen = seen.lock().unwrap();
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(1_000_000, Some(1_000_000))));
}

#[tokio::test]
async fn a_download_cut_past_the_budget_fails_and_leaves_nothing() {
    let platform = platform().await;
    let id = platform.add_synthetic_file("big.bin", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("big.bin");
    std::fs::write(&output, b"keep me").unwrap();
    // Every answer is cut: one retry resumes once, then the budget is spent.
    let cutting = client_with_scenario(&platform, "cut-after-bytes=300000", 1).await;
    let err = cutting
        .files()
        .download_to_path(&id, &output)
        .await
        .unwrap_err();
    match &err {
        Error::File(FileError::DownloadIncomplete {
            received, expected, ..
        }) => assert_eq!((*received, *expected), (600_000, Some(1_000_000))),
        other => panic!("expected an incomplete download, got {other:?}"),
    }
    assert_eq!(std::fs::read(&output).unwrap(), b"keep me");
    assert_eq!(dir_entries(dir.path()), ["big.bin"]);
    assert_eq!(downloads(&platform).len(), 2);
}

#[tokio::test]
async fn a_server_that_ignores_range_sends_the_whole_file_again_and_nothing_is_doubled() {
    let server = Hostile::start(Mode::FileContent {
        size: 500_000,
        cut_after: 123_457,
        later: Later::Whole,
    })
    .await;
    let client = client_of(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("f.bin");
    let done = client
        .files()
        .download_to_path("file_1", &output)
        .await
        .unwrap();
    assert_eq!(done.bytes, 500_000);
    assert!(
        std::fs::read(&output).unwrap() == synthetic(500_000),
        "the bytes differ"
    );
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_partial_answer_that_starts_elsewhere_is_refused() {
    let server = Hostile::start(Mode::FileContent {
        size: 500_000,
        cut_after: 123_457,
        later: Later::RangeFromZero,
    })
    .await;
    let client = client_of(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("f.bin");
    let err = client
        .files()
        .download_to_path("file_1", &output)
        .await
        .unwrap_err();
    match &err {
        Error::File(FileError::RangeMismatch {
            from,
            content_range,
            ..
        }) => assert_eq!(
            (*from, content_range.as_deref()),
            (123_457, Some("bytes 0-499999/500000"))
        ),
        other => panic!("expected a range mismatch, got {other:?}"),
    }
    assert!(err.aws_request_id().is_some());
    assert!(
        dir_entries(dir.path()).is_empty(),
        "{:?}",
        dir_entries(dir.path())
    );
    assert_eq!(server.requests(), 2);
}

/// A SigV4 client of the hostile `server`, with the default retry budget.
async fn client_of(server: &Hostile) -> Client {
    builder_at(server.base_url())
        .access_key(ACCESS_KEY, SECRET)
        .build()
        .await
        .expect("client builds")
}
