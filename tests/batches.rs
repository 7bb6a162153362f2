//! Message Batches over loopback HTTP against a small batch server that counts requests.

mod common;

use anthropic_aws::resources::{BATCH_MAX_REQUESTS, state_path_for};
use anthropic_aws::types::{
    BatchCreateParams, BatchListParams, BatchRequest, BatchResult, BatchResultKind,
    MessageCreateParams, MessageParam, ProcessingStatus,
};
use anthropic_aws::{Client, Error, ErrorType};
use common::batch_platform::{BatchPlatform, Behaviour};
use futures_util::TryStreamExt;

async fn client(platform: &BatchPlatform) -> Client {
    common::builder_at(&platform.base_url)
        .api_key(common::API_KEY)
        .max_retries(0)
        .build()
        .await
        .expect("client builds")
}

fn request(custom_id: &str, model: &str) -> BatchRequest {
    BatchRequest::new(
        custom_id,
        MessageCreateParams::new(model, 64, vec![MessageParam::user("Hello")]),
    )
}

fn batch(ids: &[(&str, &str)]) -> BatchCreateParams {
    BatchCreateParams::new(ids.iter().map(|(id, model)| request(id, model)).collect())
}

#[tokio::test]
async fn limits_and_custom_ids_are_refused_with_nothing_sent() {
    let platform = BatchPlatform::start(Behaviour::default()).await;
    let client = client(&platform).await;
    let batches = client.messages().batches();

    let many: Vec<_> = (0..=BATCH_MAX_REQUESTS)
        .map(|i| request(&format!("r{i}"), "m"))
        .collect();
    let err = batches
        .create(&BatchCreateParams::new(many))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge), "{err}");

    let huge = BatchRequest::new(
        "big",
        MessageCreateParams::new("m", 1, vec![MessageParam::user("x".repeat(256_000_001))]),
    );
    let err = batches
        .create(&BatchCreateParams::new(vec![huge]))
        .await
        .unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::RequestTooLarge), "{err}");
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
        batch(&[("a", "m"), ("a", "m")]),
        batch(&[("", "m")]),
        batch(&[(&"x".repeat(65), "m")]),
        batch(&[]),
    ] {
        let err = batches.create(&params).await.unwrap_err();
        assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest), "{err}");
        assert!(matches!(err, Error::Batch(_)), "{err}");
    }
    assert!(platform.seen().is_empty(), "{:?}", platform.seen());
}

#[tokio::test]
async fn create_retrieve_cancel_delete_carry_both_ids() {
    let platform = BatchPlatform::start(Behaviour {
        polls_before_end: 5,
        ..Behaviour::default()
    })
    .await;
    let client = client(&platform).await;
    let batches = client.messages().batches();

    let created = batches
        .create(&batch(&[("a", "m"), ("b", "m")]))
        .await
        .unwrap();
    assert_eq!(created.id, "msgbatch_0001");
    assert_eq!(created.processing_status, ProcessingStatus::InProgress);
    assert_eq!(created.request_counts.processing, 2);
    assert_eq!(created.aws_request_id(), Some("aws-1"));
    assert_eq!(created.anthropic_request_id(), Some("req_1"));

    let got = batches.retrieve(&created.id).await.unwrap();
    assert_eq!(got.results_url, None);
    assert_eq!(got.aws_request_id(), Some("aws-2"));

    let err = batches.delete(&created.id).await.unwrap_err();
    assert_eq!(err.error_type(), Some(&ErrorType::InvalidRequest));
    assert_eq!(err.aws_request_id(), Some("aws-3"));
    assert_eq!(err.anthropic_request_id(), Some("req_3"));

    let err = batches.results(&created.id).await.unwrap_err();
    assert!(
        matches!(&err, Error::Batch(anthropic_aws::error::BatchError::ResultsNotReady { status, .. }) if status == "in_progress"),
        "{err}"
    );
    assert_eq!(err.aws_request_id(), Some("aws-4"));

    let canceled = batches.cancel(&created.id).await.unwrap();
    assert_eq!(canceled.processing_status, ProcessingStatus::Ended);
    assert_eq!(canceled.request_counts.canceled, 2);
    let deleted = batches.delete(&created.id).await.unwrap();
    assert_eq!(
        (deleted.id.as_str(), deleted.kind.as_str()),
        ("msgbatch_0001", "message_batch_deleted")
    );
    assert_eq!(deleted.anthropic_request_id(), Some("req_6"));

    let methods: Vec<_> = platform
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.path_and_query))
        .collect();
    assert_eq!(
        methods,
        [
            "POST /v1/messages/batches",
            "GET /v1/messages/batches/msgbatch_0001",
            "DELETE /v1/messages/batches/msgbatch_0001",
            "GET /v1/messages/batches/msgbatch_0001",
            "POST /v1/messages/batches/msgbatch_0001/cancel",
            "DELETE /v1/messages/batches/msgbatch_0001",
        ]
    );
}

#[tokio::test]
async fn list_all_follows_last_id_across_pages() {
    let platform = BatchPlatform::start(Behaviour::default()).await;
    let client = client(&platform).await;
    let batches = client.messages().batches();
    for i in 0..5 {
        batches
            .create(&batch(&[(&format!("r{i}"), "m")]))
            .await
            .unwrap();
    }
    let page = batches
        .list(&BatchListParams::new().limit(2))
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.aws_request_id(), Some("aws-6"));

    let all: Vec<_> = batches
        .list_all(&BatchListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "msgbatch_0005",
            "msgbatch_0004",
            "msgbatch_0003",
            "msgbatch_0002",
            "msgbatch_0001"
        ]
    );
    let queries: Vec<_> = platform.seen()[6..]
        .iter()
        .map(|s| s.path_and_query.clone())
        .collect();
    assert_eq!(
        queries,
        [
            "/v1/messages/batches?limit=2",
            "/v1/messages/batches?after_id=msgbatch_0004&limit=2",
            "/v1/messages/batches?after_id=msgbatch_0002&limit=2",
        ]
    );
}

#[tokio::test]
async fn results_of_every_type_stream_with_the_binary_accept() {
    let platform = BatchPlatform::start(Behaviour::default()).await;
    let client = client(&platform).await;
    let batches = client.messages().batches();
    let created = batches
        .create(&batch(&[
            ("ok", "m"),
            ("bad", "m-error"),
            ("late", "m-expired"),
        ]))
        .await
        .unwrap();
    let results = batches.results(&created.id).await.unwrap();
    assert_eq!(results.batch().processing_status, ProcessingStatus::Ended);
    assert_eq!(results.batch().aws_request_id(), Some("aws-2"));
    assert_eq!(results.aws_request_id(), Some("aws-3"));
    assert_eq!(results.anthropic_request_id(), Some("req_3"));
    let all: Vec<BatchResult> = results.try_collect().await.unwrap();
    assert_eq!(all.len(), 3);
    let BatchResultKind::Succeeded(ok) = &all[0].result else {
        panic!("{:?}", all[0])
    };
    assert_eq!(ok.message.text(), "answer to ok");
    let BatchResultKind::Errored(bad) = &all[1].result else {
        panic!("{:?}", all[1])
    };
    assert_eq!(*bad.error.error_type(), ErrorType::InvalidRequest);
    assert_eq!(bad.error.request_id(), Some("req_inner"));
    assert!(matches!(all[2].result, BatchResultKind::Expired(_)));
    let seen = platform.seen();
    let last = seen.last().unwrap();
    assert_eq!(
        last.path_and_query,
        "/v1/messages/batches/msgbatch_0001/results"
    );
    assert_eq!(last.accept.as_deref(), Some("application/binary"));
}

#[tokio::test]
async fn a_results_url_on_another_origin_is_never_contacted() {
    let elsewhere = BatchPlatform::start(Behaviour::default()).await;
    let platform = BatchPlatform::start(Behaviour {
        results_origin: Some(elsewhere.base_url.clone()),
        ..Behaviour::default()
    })
    .await;
    let client = client(&platform).await;
    let batches = client.messages().batches();
    let created = batches.create(&batch(&[("a", "m")])).await.unwrap();
    let err = batches.results(&created.id).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        matches!(
            err,
            Error::Batch(anthropic_aws::error::BatchError::ForeignResultsUrl { .. })
        ),
        "{shown}"
    );
    assert!(shown.contains(&elsewhere.base_url), "{shown}");
    assert_eq!(err.aws_request_id(), Some("aws-2"));
    assert!(elsewhere.seen().is_empty());
    assert_eq!(platform.seen().len(), 2);
}

#[tokio::test]
async fn a_results_body_cut_mid_line_is_an_error_with_both_ids() {
    let platform = BatchPlatform::start(Behaviour {
        cut_first_results: true,
        ..Behaviour::default()
    })
    .await;
    let client = client(&platform).await;
    let batches = client.messages().batches();
    let ids: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
    let pairs: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "m")).collect();
    let created = batches.create(&batch(&pairs)).await.unwrap();
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
    assert_eq!(err.aws_request_id(), Some("aws-3"));
    assert_eq!(err.anthropic_request_id(), Some("req_3"));
}

#[tokio::test]
async fn the_runner_splits_polls_writes_and_resumes_without_resubmitting() {
    let platform = BatchPlatform::start(Behaviour {
        polls_before_end: 2,
        fail_create: Some(3),
        cut_first_results: false,
        ..Behaviour::default()
    })
    .await;
    let client = client(&platform).await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("requests.jsonl");
    let output = dir.path().join("results.jsonl");
    let mut lines = String::new();
    for i in 0..7 {
        let model = if i == 4 { "m-error" } else { "m" };
        lines.push_str(&serde_json::to_string(&request(&format!("q{i}"), model)).unwrap());
        lines.push_str(if i % 2 == 0 { "\n" } else { "\r\n\n" });
    }
    std::fs::write(&input, lines).unwrap();
    let runner = client
        .messages()
        .batches()
        .runner()
        .max_requests_per_batch(3)
        .poll_interval(std::time::Duration::ZERO, std::time::Duration::ZERO);

    // The third create fails: the run stops with two batches submitted and recorded.
    let err = runner.run_jsonl(&input, &output).await.unwrap_err();
    assert!(
        err.to_string().contains("create failed on purpose"),
        "{err}"
    );
    assert_eq!(platform.batch_sizes(), [3, 3]);
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state_path_for(&output)).unwrap()).unwrap();
    assert_eq!(state["next_request"], 6);
    assert_eq!(state["batches"].as_array().unwrap().len(), 2);

    // The second run submits only the last request, and a results body cut on the way is
    // written again in full.
    platform.set_behaviour(Behaviour {
        polls_before_end: 2,
        cut_first_results: true,
        ..Behaviour::default()
    });
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen_progress = progress.clone();
    let runner = runner.on_progress(move |p| seen_progress.lock().unwrap().push(p.clone()));
    let err = runner.run_jsonl(&input, &output).await.unwrap_err();
    assert!(
        err.to_string().contains("broke off") || err.to_string().contains("middle"),
        "{err}"
    );
    let report = runner.run_jsonl(&input, &output).await.unwrap();

    assert_eq!(platform.batch_sizes(), [3, 3, 1]);
    let mut submitted = platform.submitted_custom_ids();
    submitted.sort();
    assert_eq!(submitted, ["q0", "q1", "q2", "q3", "q4", "q5", "q6"]);
    assert_eq!(platform.create_attempts(), 4);

    let written = std::fs::read_to_string(&output).unwrap();
    let mut ids: Vec<String> = written
        .lines()
        .map(|l| serde_json::from_str::<BatchResult>(l).unwrap().custom_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["q0", "q1", "q2", "q3", "q4", "q5", "q6"]);
    assert_eq!(
        report.batch_ids,
        ["msgbatch_0001", "msgbatch_0002", "msgbatch_0003"]
    );
    assert_eq!(report.progress.counts.succeeded, 6);
    assert_eq!(report.progress.counts.errored, 1);
    assert_eq!(report.progress.batches_written, 3);
    let last = progress.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.batches_ended, 3);
    assert_eq!(last.requests_submitted, 7);

    // A third run finds everything done and sends nothing new.
    let before = platform.seen().len();
    let again = runner.run_jsonl(&input, &output).await.unwrap();
    assert_eq!(again.progress.counts.succeeded, 6);
    assert_eq!(platform.seen().len(), before);
    assert_eq!(std::fs::read_to_string(&output).unwrap(), written);
}
