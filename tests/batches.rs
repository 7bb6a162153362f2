//! Message Batches end to end over loopback HTTP: against the local platform (every call,
//! paging, results of every type, the origin check, limits, the runner), and against a hostile
//! batch server for results bodies that break off or stall.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anthropic_aws::error::BatchError;
use anthropic_aws::resources::{BATCH_MAX_REQUESTS, RunnerError, state_path_for};
use anthropic_aws::types::{
    BatchCreateParams, BatchListParams, BatchRequest, BatchResult, BatchResultKind,
    MessageCreateParams, MessageParam, ProcessingStatus,
};
use anthropic_aws::{Client, Error, ErrorType, ProvideErrorMetadata, RequestId, TimeoutKind};
use anthropic_aws_emulator::{Emulator, EmulatorHandle, Fault};
use common::hostile_batches::{HostileBatches, ResultsFault};
use common::{MODEL, builder, platform, signed_client};
use futures_util::TryStreamExt;

fn request(custom_id: &str, model: &str) -> BatchRequest {
    BatchRequest::new(
        custom_id,
        MessageCreateParams::new(model, 64, vec![MessageParam::user("Hello")]),
    )
}

fn batch(ids: &[(&str, &str)]) -> BatchCreateParams {
    BatchCreateParams::new(ids.iter().map(|(id, model)| request(id, model)).collect())
}

/// A local platform whose batches take `processing` to process.
async fn platform_processing(processing: Duration) -> EmulatorHandle {
    Emulator::builder()
        .region(common::REGION)
        .workspace_id(common::WORKSPACE)
        .access_key(common::ACCESS_KEY, common::SECRET)
        .api_key(common::API_KEY)
        .batch_processing_delay(processing)
        .start()
        .await
        .expect("the local platform starts")
}

/// `METHOD path` of every request the platform received.
fn routes(platform: &EmulatorHandle) -> Vec<String> {
    platform
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect()
}

#[tokio::test]
async fn limits_and_custom_ids_are_refused_with_nothing_sent() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let batches = client.messages().batches();

    let many: Vec<_> = (0..=BATCH_MAX_REQUESTS)
        .map(|i| request(&format!("r{i}"), MODEL))
        .collect();
    let err = batches
        .create(&BatchCreateParams::new(many))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Batch(BatchError::TooManyRequests {
                count: 100_001,
                limit: 100_000
            })
        ),
        "{err}"
    );
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge));
    assert_eq!(err.code(), Some("request_too_large"));

    let huge = BatchRequest::new(
        "big",
        MessageCreateParams::new(MODEL, 1, vec![MessageParam::user("x".repeat(256_000_001))]),
    );
    let err = batches
        .create(&BatchCreateParams::new(vec![huge]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::RequestTooLarge {
                limit: 256_000_000,
                ..
            }
        ),
        "{err}"
    );

    for params in [
        batch(&[("a", MODEL), ("a", MODEL)]),
        batch(&[("", MODEL)]),
        batch(&[(&"x".repeat(65), MODEL)]),
        batch(&[]),
    ] {
        let err = batches.create(&params).await.unwrap_err();
        assert!(matches!(err, Error::Batch(_)), "{err}");
        assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest), "{err}");
        assert_eq!(err.code(), Some("invalid_request_error"));
        assert_eq!(err.request_id(), None);
    }
    assert_eq!(platform.request_count(), 0, "{:?}", routes(&platform));
    assert_eq!(platform.batch_create_count(), 0);
}

#[tokio::test]
async fn every_call_answers_with_both_ids_of_its_own_response() {
    let platform = platform_processing(Duration::from_secs(3600)).await;
    let client = signed_client(&platform).await;
    let batches = client.messages().batches();

    let created = batches
        .create(&batch(&[("a", MODEL), ("b", MODEL)]))
        .await
        .unwrap();
    assert!(created.id.starts_with("msgbatch_"), "{}", created.id);
    assert_eq!(created.processing_status, ProcessingStatus::InProgress);
    assert_eq!(created.request_counts.processing, 2);
    assert_eq!(created.results_url, None);
    let record = platform.requests()[0].clone();
    assert_eq!(
        created.aws_request_id(),
        Some(record.aws_request_id.as_str())
    );
    assert_eq!(
        created.anthropic_request_id(),
        record.anthropic_request_id.as_deref()
    );
    assert_eq!(platform.batch_create_count(), 1);

    let got = batches.retrieve(&created.id).await.unwrap();
    assert_eq!(got.id, created.id);
    assert_eq!(got.processing_status, ProcessingStatus::InProgress);
    assert_ne!(got.aws_request_id(), created.aws_request_id());

    // Still in progress: the platform refuses the delete, the client the results.
    let err = batches.delete(&created.id).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest), "{err}");
    let record = platform.requests().pop().unwrap();
    assert_eq!(err.aws_request_id(), Some(record.aws_request_id.as_str()));
    assert_eq!(
        err.anthropic_request_id(),
        record.anthropic_request_id.as_deref()
    );
    let err = batches.results(&created.id).await.unwrap_err();
    assert!(
        matches!(&err, Error::Batch(BatchError::ResultsNotReady { status, .. }) if status == "in_progress"),
        "{err}"
    );
    let record = platform.requests().pop().unwrap();
    assert_eq!(err.request_id(), Some(record.aws_request_id.as_str()));

    let canceling = batches.cancel(&created.id).await.unwrap();
    assert_eq!(canceling.processing_status, ProcessingStatus::Canceling);
    let ended = batches.retrieve(&created.id).await.unwrap();
    assert_eq!(ended.processing_status, ProcessingStatus::Ended);
    assert_eq!(ended.request_counts.canceled, 2);
    let deleted = batches.delete(&created.id).await.unwrap();
    assert_eq!(deleted.id, created.id);
    assert_eq!(deleted.kind, "message_batch_deleted");
    let record = platform.requests().pop().unwrap();
    assert_eq!(
        deleted.anthropic_request_id(),
        record.anthropic_request_id.as_deref()
    );
    let err = batches.retrieve(&created.id).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::NotFound), "{err}");

    let id = &created.id;
    assert_eq!(
        routes(&platform),
        [
            "POST /v1/messages/batches".to_owned(),
            format!("GET /v1/messages/batches/{id}"),
            format!("DELETE /v1/messages/batches/{id}"),
            format!("GET /v1/messages/batches/{id}"),
            format!("POST /v1/messages/batches/{id}/cancel"),
            format!("GET /v1/messages/batches/{id}"),
            format!("DELETE /v1/messages/batches/{id}"),
            format!("GET /v1/messages/batches/{id}"),
        ]
    );
}

#[tokio::test]
async fn an_access_denied_answer_names_the_action_of_the_route_called() {
    let platform = platform().await;
    let denied =
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform this action";
    for (bearer, client) in [
        (false, signed_client(&platform).await),
        (
            true,
            builder(&platform)
                .api_key(common::API_KEY)
                .max_retries(0)
                .build()
                .await
                .unwrap(),
        ),
    ] {
        platform.push_fault(Fault::aws(403, "AccessDeniedException", denied));
        let err = client
            .messages()
            .batches()
            .cancel("msgbatch_01")
            .await
            .unwrap_err();
        let message = ProvideErrorMetadata::message(&err).unwrap();
        assert_eq!(err.code(), Some("AccessDeniedException"));
        assert!(message.starts_with(denied), "{message}");
        assert!(
            message.contains("`aws-external-anthropic:CancelBatchInference`"),
            "{message}"
        );
        assert!(!message.contains("CreateInference"), "{message}");
        assert_eq!(message.contains("CallWithBearerToken"), bearer, "{message}");
    }
}

#[tokio::test]
async fn list_all_follows_last_id_across_pages() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let batches = client.messages().batches();
    for i in 0..5 {
        batches
            .create(&batch(&[(&format!("r{i}"), MODEL)]))
            .await
            .unwrap();
    }
    // Newest first.
    let mut expected: Vec<String> = platform.batches().into_iter().map(|b| b.id).collect();
    expected.reverse();

    let page = batches
        .list(&BatchListParams::new().limit(2))
        .await
        .unwrap();
    assert!(page.has_more);
    let ids: Vec<_> = page.data.iter().map(|b| b.id.clone()).collect();
    assert_eq!(ids, expected[..2]);
    assert_eq!(page.last_id.as_deref(), Some(expected[1].as_str()));
    let record = platform.requests().pop().unwrap();
    assert_eq!(page.aws_request_id(), Some(record.aws_request_id.as_str()));

    let before = platform.request_count();
    let all: Vec<_> = batches
        .list_all(&BatchListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|b| b.id.clone()).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        routes(&platform)[before..],
        [
            "GET /v1/messages/batches?limit=2".to_owned(),
            format!("GET /v1/messages/batches?after_id={}&limit=2", expected[1]),
            format!("GET /v1/messages/batches?after_id={}&limit=2", expected[3]),
        ]
    );

    // Backwards from the oldest: before_id follows first_id.
    let newer: Vec<_> = batches
        .list_all(&BatchListParams::new().before_id(&expected[4]).limit(2))
        .try_collect()
        .await
        .unwrap();
    let mut ids: Vec<_> = newer.iter().map(|b| b.id.clone()).collect();
    ids.sort();
    let mut want = expected[..4].to_vec();
    want.sort();
    assert_eq!(ids, want);
}

#[tokio::test]
async fn results_of_every_type_stream_with_the_binary_accept() {
    let platform = platform().await;
    let client = signed_client(&platform).await;
    let batches = client.messages().batches();
    let created = batches
        .create(&batch(&[
            ("ok", MODEL),
            ("busy", &format!("{MODEL}~status=529")),
            ("late", &format!("{MODEL}~batch-expire=true")),
        ]))
        .await
        .unwrap();
    assert_eq!(created.processing_status, ProcessingStatus::Ended);
    let results = batches.results(&created.id).await.unwrap();
    assert_eq!(results.batch().request_counts.succeeded, 1);
    assert_eq!(results.batch().request_counts.errored, 1);
    assert_eq!(results.batch().request_counts.expired, 1);
    let record = platform.requests().pop().unwrap();
    assert_eq!(
        record.path_and_query,
        format!("/v1/messages/batches/{}/results", created.id)
    );
    assert_eq!(record.header("accept"), Some("application/binary"));
    assert_eq!(
        results.aws_request_id(),
        Some(record.aws_request_id.as_str())
    );
    assert_eq!(
        results.anthropic_request_id(),
        record.anthropic_request_id.as_deref()
    );
    let all: Vec<BatchResult> = results.try_collect().await.unwrap();
    let ids: Vec<_> = all.iter().map(|r| r.custom_id.as_str()).collect();
    assert_eq!(ids, ["ok", "busy", "late"]);
    let BatchResultKind::Succeeded(ok) = &all[0].result else {
        panic!("{:?}", all[0])
    };
    assert_eq!(ok.message.model, MODEL);
    assert!(!ok.message.text().is_empty());
    let BatchResultKind::Errored(busy) = &all[1].result else {
        panic!("{:?}", all[1])
    };
    assert_eq!(*busy.error.error_type(), ErrorType::Overloaded);
    assert!(matches!(all[2].result, BatchResultKind::Expired(_)));

    // Canceled: a batch canceled while all its requests are still processing.
    let slow = platform_processing(Duration::from_secs(3600)).await;
    let client = signed_client(&slow).await;
    let batches = client.messages().batches();
    let created = batches
        .create(&batch(&[("x", MODEL), ("y", MODEL)]))
        .await
        .unwrap();
    batches.cancel(&created.id).await.unwrap();
    let results: Vec<BatchResult> = batches
        .results(&created.id)
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(results.len(), 2);
    for result in &results {
        assert!(
            matches!(result.result, BatchResultKind::Canceled(_)),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn a_results_url_on_another_origin_is_refused_with_nothing_sent_there() {
    let platform = platform().await;
    // The platform names its results URLs on 127.0.0.1; this client's origin is localhost.
    let base = platform.base_url().replace("127.0.0.1", "localhost");
    assert_ne!(base, platform.base_url());
    let client = common::builder_at(&base)
        .access_key(common::ACCESS_KEY, common::SECRET)
        .max_retries(0)
        .build()
        .await
        .unwrap();
    let batches = client.messages().batches();
    let created = batches.create(&batch(&[("a", MODEL)])).await.unwrap();
    let err = batches.results(&created.id).await.unwrap_err();
    let shown = err.to_string();
    let Error::Batch(BatchError::ForeignResultsUrl {
        results_origin,
        client_origin,
        ..
    }) = &err
    else {
        panic!("{shown}")
    };
    assert_eq!(results_origin, &platform.base_url());
    assert_eq!(client_origin, &base);
    let record = platform.requests().pop().unwrap();
    assert_eq!(err.aws_request_id(), Some(record.aws_request_id.as_str()));
    // The create and the retrieve; no results request.
    assert_eq!(
        routes(&platform),
        [
            "POST /v1/messages/batches".to_owned(),
            format!("GET /v1/messages/batches/{}", created.id),
        ]
    );
}

/// Writes `count` requests (the one at `errored` asks for a 529) as JSON Lines, with mixed
/// line endings and blank lines.
fn write_input(path: &std::path::Path, count: usize, errored: usize) {
    let mut lines = String::new();
    for i in 0..count {
        let model = if i == errored {
            format!("{MODEL}~status=529")
        } else {
            MODEL.to_owned()
        };
        lines.push_str(&serde_json::to_string(&request(&format!("q{i}"), &model)).unwrap());
        lines.push_str(if i % 2 == 0 { "\n" } else { "\r\n\n" });
    }
    std::fs::write(path, lines).unwrap();
}

/// The sorted custom_ids of a results file, each line checked to be a whole result.
fn written_ids(path: &std::path::Path) -> Vec<String> {
    let written = std::fs::read_to_string(path).unwrap();
    let mut ids: Vec<String> = written
        .lines()
        .map(|l| serde_json::from_str::<BatchResult>(l).unwrap().custom_id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_runner_splits_polls_writes_and_resumes_without_resubmitting() {
    let platform = platform_processing(Duration::from_secs(2)).await;
    let client = signed_client(&platform).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("requests.jsonl");
    let output = dir.path().join("results.jsonl");
    write_input(&input, 7, 4);
    let runner = client
        .messages()
        .batches()
        .runner()
        .max_requests_per_batch(3)
        .poll_interval(Duration::from_millis(50), Duration::from_millis(200));

    // Interruption 1: the third create fails. Two batches are submitted and recorded.
    platform.push_fault(Fault::slow(Duration::ZERO));
    platform.push_fault(Fault::slow(Duration::ZERO));
    platform.push_fault(Fault::anthropic(
        500,
        "api_error",
        "create failed on purpose",
    ));
    let err = runner.run_jsonl(&input, &output).await.unwrap_err();
    assert!(
        matches!(&err, RunnerError::Api(e) if e.error_type() == Some(&ErrorType::Api)),
        "{err}"
    );
    assert_eq!(platform.batch_create_count(), 2);
    let sizes: Vec<usize> = platform
        .batches()
        .iter()
        .map(|b| b.custom_ids.len())
        .collect();
    assert_eq!(sizes, [3, 3]);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state_path_for(&output)).unwrap()).unwrap();
    assert_eq!(state["next_request"], 6);
    assert_eq!(state["batches"].as_array().unwrap().len(), 2);

    // Interruption 2 (as a Ctrl-C would): the run is dropped once everything is submitted.
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = Mutex::new(Some(tx));
    let interrupted = runner.clone().on_progress(move |p| {
        if p.input_done
            && let Some(tx) = tx.lock().unwrap().take()
        {
            tx.send(()).unwrap();
        }
    });
    tokio::select! {
        biased;
        _ = rx => {}
        done = interrupted.run_jsonl(&input, &output) => panic!("not interrupted: {done:?}"),
    }
    assert_eq!(platform.batch_create_count(), 3);
    let sizes: Vec<usize> = platform
        .batches()
        .iter()
        .map(|b| b.custom_ids.len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);

    // The third run submits nothing, polls until the batches end, and writes every result.
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&progress);
    let runner = runner.on_progress(move |p| seen.lock().unwrap().push(p.clone()));
    let report = runner.run_jsonl(&input, &output).await.unwrap();
    assert_eq!(platform.batch_create_count(), 3);
    let ids: Vec<String> = platform.batches().into_iter().map(|b| b.id).collect();
    assert_eq!(report.batch_ids, ids);
    assert_eq!(
        written_ids(&output),
        ["q0", "q1", "q2", "q3", "q4", "q5", "q6"]
    );
    assert_eq!(report.progress.counts.succeeded, 6);
    assert_eq!(report.progress.counts.errored, 1);
    assert_eq!(report.progress.batches_written, 3);
    let progress = progress.lock().unwrap().clone();
    assert!(
        progress.iter().any(|p| p.batches_ended < 3),
        "a poll found a batch still processing: {progress:?}"
    );
    assert_eq!(progress.last().unwrap().batches_ended, 3);
    let retrieves = routes(&platform)
        .iter()
        .filter(|r| *r == &format!("GET /v1/messages/batches/{}", ids[2]))
        .count();
    assert!(retrieves >= 2, "{retrieves}");

    // A fourth run finds everything done and sends nothing.
    let written = std::fs::read_to_string(&output).unwrap();
    let before = platform.request_count();
    let again = runner.run_jsonl(&input, &output).await.unwrap();
    assert_eq!(again.progress.counts.succeeded, 6);
    assert_eq!(platform.request_count(), before);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), written);
}

async fn hostile_client(server: &HostileBatches, retries: u32, timeout: Duration) -> Client {
    common::builder_at(server.base_url())
        .api_key(common::API_KEY)
        .max_retries(retries)
        .timeout(timeout)
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_results_body_cut_mid_line_is_an_error_with_both_ids() {
    let server = HostileBatches::start(ResultsFault::Cut, 1, 20).await;
    let client = hostile_client(&server, 0, Duration::from_secs(60)).await;
    let batches = client.messages().batches();
    let created = batches.create(&batch(&[("a", MODEL)])).await.unwrap();
    let mut results = batches.results(&created.id).await.unwrap();
    let mut read = 0;
    let err = loop {
        match results.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the cut body ended in silence after {read} results"),
            Err(e) => break e,
        }
    };
    assert!(read > 0 && read < 20, "{read}");
    assert!(matches!(err, Error::Stream { .. }), "{err}");
    let (aws, anthropic) = common::hostile::ids(3);
    assert_eq!(err.aws_request_id(), Some(aws.as_str()));
    assert_eq!(err.anthropic_request_id(), Some(anthropic.as_str()));
}

#[tokio::test]
async fn a_stalled_results_body_ends_with_the_idle_timeout() {
    let server = HostileBatches::start(ResultsFault::Stall, 1, 20).await;
    let client = hostile_client(&server, 0, Duration::from_millis(300)).await;
    let batches = client.messages().batches();
    let results = batches.results("msgbatch_0001").await.unwrap();
    let err = results.try_collect::<Vec<_>>().await.unwrap_err();
    let Error::Timeout {
        kind: TimeoutKind::StreamIdle,
        timeout,
        status,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*timeout, Duration::from_millis(300));
    assert_eq!(status.map(|s| s.as_u16()), Some(200));
    let (aws, _) = common::hostile::ids(2);
    assert_eq!(err.aws_request_id(), Some(aws.as_str()));
}

#[tokio::test]
async fn the_runner_asks_again_for_results_that_broke_off_when_the_retry_policy_allows() {
    for (fault, timeout) in [
        (ResultsFault::Cut, Duration::from_secs(60)),
        (ResultsFault::Stall, Duration::from_millis(300)),
    ] {
        let server = HostileBatches::start(fault, 1, 20).await;
        let client = hostile_client(&server, 1, timeout).await;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("results.jsonl");
        let runner = client.messages().batches().runner();
        let report = runner
            .run(vec![request("a", MODEL)], &output)
            .await
            .unwrap();
        assert_eq!(report.batch_ids, ["msgbatch_0001"]);
        let want: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(written_ids(&output), want_sorted, "{fault:?}");
        let results = "GET /v1/messages/batches/msgbatch_0001/results";
        let asked = server.seen().iter().filter(|s| *s == results).count();
        assert_eq!(asked, 2, "{fault:?}: {:?}", server.seen());
        assert_eq!(server.creates(), 1);
    }

    // Without retries the run stops; the next one rewrites the batch whole, creating nothing.
    let server = HostileBatches::start(ResultsFault::Cut, 1, 20).await;
    let client = hostile_client(&server, 0, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("results.jsonl");
    let runner = client.messages().batches().runner();
    let err = runner
        .run(vec![request("a", MODEL)], &output)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RunnerError::Api(Error::Stream { .. })),
        "{err}"
    );
    runner
        .run(vec![request("a", MODEL)], &output)
        .await
        .unwrap();
    assert_eq!(written_ids(&output).len(), 20);
    assert_eq!(server.creates(), 1);
}
