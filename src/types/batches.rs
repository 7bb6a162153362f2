//! The Message Batches API: [`MessageBatch`], [`BatchCreateParams`], [`BatchListParams`],
//! [`MessageBatchPage`], [`DeletedMessageBatch`] and the per-request [`BatchResult`].

use super::paging::IdListParams;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Message, MessageCreateParams};
use crate::error::ErrorType;

open_string_enum! {
    /// Where a batch is in its life (`processing_status`).
    pub enum ProcessingStatus {
        /// `"in_progress"`: requests are being processed.
        InProgress => "in_progress",
        /// `"canceling"`: a cancel was asked for; requests in flight are finishing.
        Canceling => "canceling",
        /// `"ended"`: every request has a result; `results_url` is set.
        Ended => "ended",
    }
}

/// How many of a batch's requests are in each state.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestCounts {
    /// Still being processed.
    #[serde(default)]
    pub processing: u64,
    /// Answered with a message.
    #[serde(default)]
    pub succeeded: u64,
    /// Answered with an error.
    #[serde(default)]
    pub errored: u64,
    /// Canceled before they were processed.
    #[serde(default)]
    pub canceled: u64,
    /// Not processed before the batch expired (24 hours).
    #[serde(default)]
    pub expired: u64,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RequestCounts {
    /// All requests the counts cover.
    pub fn total(&self) -> u64 {
        self.processing + self.succeeded + self.errored + self.canceled + self.expired
    }
}

/// A message batch (`POST /v1/messages/batches`, `GET /v1/messages/batches/{id}`, …).
///
/// ```
/// use anthropic_aws::types::{MessageBatch, ProcessingStatus};
/// let batch: MessageBatch = serde_json::from_str(r#"{
///     "id": "msgbatch_01", "type": "message_batch", "processing_status": "ended",
///     "request_counts": {"processing": 0, "succeeded": 2, "errored": 1, "canceled": 0, "expired": 0},
///     "created_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
///     "ended_at": "2026-01-01T00:10:00Z", "cancel_initiated_at": null, "archived_at": null,
///     "results_url": "https://example.test/v1/messages/batches/msgbatch_01/results"
/// }"#).unwrap();
/// assert_eq!(batch.processing_status, ProcessingStatus::Ended);
/// assert_eq!(batch.request_counts.total(), 3);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MessageBatch {
    /// The batch's ID (`msgbatch_…`).
    pub id: String,
    /// Object type (`type` in the JSON); always `"message_batch"`.
    #[serde(rename = "type", default = "message_batch")]
    pub kind: String,
    /// Where the batch is in its life.
    pub processing_status: ProcessingStatus,
    /// How many requests are in each state.
    #[serde(default)]
    pub request_counts: RequestCounts,
    /// When the batch was created (RFC 3339).
    pub created_at: String,
    /// When the batch expires if it has not ended (RFC 3339; 24 hours after creation).
    #[serde(default)]
    pub expires_at: Option<String>,
    /// When processing ended (RFC 3339).
    #[serde(default)]
    pub ended_at: Option<String>,
    /// When a cancel was asked for (RFC 3339).
    #[serde(default)]
    pub cancel_initiated_at: Option<String>,
    /// When the batch was archived and its results became unavailable (RFC 3339).
    #[serde(default)]
    pub archived_at: Option<String>,
    /// Where the results are, once the batch has ended.
    #[serde(default)]
    pub results_url: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn message_batch() -> String {
    "message_batch".to_owned()
}

impl MessageBatch {
    /// Whether the batch has ended (its results can be read).
    pub fn is_ended(&self) -> bool {
        self.processing_status == ProcessingStatus::Ended
    }
}

/// One request of a batch: a `custom_id` (1 to 64 characters, unique in the batch) and the
/// same parameters as [`Messages::create`](crate::resources::Messages::create).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct BatchRequest {
    /// The caller's name for this request; its result carries it back.
    pub custom_id: String,
    /// The Messages request.
    pub params: MessageCreateParams,
}

impl BatchRequest {
    /// A request named `custom_id`.
    pub fn new(custom_id: impl Into<String>, params: MessageCreateParams) -> Self {
        Self {
            custom_id: custom_id.into(),
            params,
        }
    }
}

/// The body of `POST /v1/messages/batches`.
///
/// ```
/// use anthropic_aws::types::{BatchCreateParams, BatchRequest, MessageCreateParams, MessageParam};
/// let params = BatchCreateParams::new(vec![BatchRequest::new(
///     "q1",
///     MessageCreateParams::new("claude-opus-4-8", 64, vec![MessageParam::user("Hi")]),
/// )]);
/// let json = serde_json::to_value(&params).unwrap();
/// assert_eq!(json["requests"][0]["custom_id"], "q1");
/// assert_eq!(json["requests"][0]["params"]["max_tokens"], 64);
/// ```
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct BatchCreateParams {
    /// The requests, at most 100,000 (and 256 MB of JSON).
    pub requests: Vec<BatchRequest>,
}

impl BatchCreateParams {
    /// A batch of `requests`.
    pub fn new(requests: Vec<BatchRequest>) -> Self {
        Self { requests }
    }
}

/// Query parameters of `GET /v1/messages/batches`.
///
/// ```
/// use anthropic_aws::types::BatchListParams;
/// let params = BatchListParams::new().limit(100).after_id("msgbatch_01");
/// assert_eq!(
///     params.query_pairs(),
///     vec![("after_id", "msgbatch_01".to_string()), ("limit", "100".to_string())]
/// );
/// ```
pub type BatchListParams = IdListParams;

/// One page of `GET /v1/messages/batches`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct MessageBatchPage {
    /// The batches on this page, newest first.
    pub data: Vec<MessageBatch>,
    /// Whether there are more batches in the requested direction.
    #[serde(default)]
    pub has_more: bool,
    /// The first ID on the page; pass as `before_id` for the previous page.
    #[serde(default)]
    pub first_id: Option<String>,
    /// The last ID on the page; pass as `after_id` for the next page.
    #[serde(default)]
    pub last_id: Option<String>,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `DELETE /v1/messages/batches/{id}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeletedMessageBatch {
    /// The deleted batch's ID.
    pub id: String,
    /// Object type (`type` in the JSON); always `"message_batch_deleted"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Fields not modeled here, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

wire_struct! {
    /// One line of a batch's results: which request, and how it ended.
    ///
    /// ```
    /// use anthropic_aws::ErrorType;
    /// use anthropic_aws::types::{BatchResult, BatchResultKind};
    /// let line = r#"{"custom_id":"q2","result":{"type":"errored","error":{"type":"error",
    ///     "error":{"type":"invalid_request_error","message":"max_tokens too large"},"request_id":"req_1"}}}"#;
    /// let result: BatchResult = serde_json::from_str(line).unwrap();
    /// let BatchResultKind::Errored(errored) = &result.result else { panic!() };
    /// assert_eq!(*errored.error.error_type(), ErrorType::InvalidRequest);
    /// assert_eq!(errored.error.message(), "max_tokens too large");
    /// ```
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct BatchResult {
        /// The request's `custom_id`.
        required pub custom_id: String,
        /// How it ended.
        required pub result: BatchResultKind,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

tagged_enum! {
    /// How one request of a batch ended (`result.type`).
    // Results stream by one at a time: the message stays inline rather than behind a box.
    #[allow(clippy::large_enum_variant)]
    pub enum BatchResultKind {
        /// `"succeeded"`: the request's message.
        "succeeded" => Succeeded(SucceededResult),
        /// `"errored"`: the request failed; the error in this crate's taxonomy.
        "errored" => Errored(ErroredResult),
        /// `"canceled"`: the batch was canceled before this request was processed.
        "canceled" => Canceled(CanceledResult),
        /// `"expired"`: the batch expired before this request was processed.
        "expired" => Expired(ExpiredResult),
    }
}

wire_struct! {
    /// A `succeeded` result.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct SucceededResult {
        /// The message, as [`Messages::create`](crate::resources::Messages::create) would give it.
        required pub message: Message,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// An `errored` result.
    #[derive(Serialize, Debug, Clone, PartialEq)]
    pub struct ErroredResult {
        /// The request's error.
        required pub error: BatchResultError,
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// A `canceled` result.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct CanceledResult {
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

wire_struct! {
    /// An `expired` result.
    #[derive(Serialize, Debug, Clone, PartialEq, Default)]
    pub struct ExpiredResult {
        /// Fields not modeled here, kept as received.
        pub extra: Map<String, Value>,
    }
}

/// The error of an `errored` batch result, read into the crate's [`ErrorType`] taxonomy.
///
/// The API sends the same envelope as an error response,
/// `{"type":"error","error":{"type":…,"message":…},"request_id":…}`; a bare
/// `{"type":…,"message":…}` is read too. The JSON is kept as received and serialized back
/// verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResultError {
    error_type: ErrorType,
    message: String,
    request_id: Option<String>,
    raw: Value,
}

impl BatchResultError {
    /// Reads an error envelope (or a bare error object).
    pub fn from_json(raw: Value) -> Self {
        let inner = match raw.get("error") {
            Some(inner @ Value::Object(_)) => inner,
            _ => &raw,
        };
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let error_type = text(inner, "type")
            .filter(|t| t != "error")
            .map_or(ErrorType::Other(String::new()), |t| {
                ErrorType::from_wire(&t)
            });
        Self {
            error_type,
            message: text(inner, "message").unwrap_or_default(),
            request_id: text(&raw, "request_id"),
            raw,
        }
    }

    /// The error's type, e.g. [`ErrorType::InvalidRequest`] (an empty
    /// [`ErrorType::Other`] when the JSON names none).
    pub fn error_type(&self) -> &ErrorType {
        &self.error_type
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Anthropic's request ID of the failed request, when the API gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The error JSON, as received.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

impl Serialize for BatchResultError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for BatchResultError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self::from_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{MessageParam, StopReason};
    use serde_json::json;

    fn batch_json() -> Value {
        json!({
            "id": "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF",
            "type": "message_batch",
            "processing_status": "in_progress",
            "request_counts": {"processing": 100, "succeeded": 50, "errored": 30, "canceled": 10, "expired": 10},
            "ended_at": null,
            "created_at": "2024-08-20T18:37:24.100435Z",
            "expires_at": "2024-08-21T18:37:24.100435Z",
            "archived_at": null,
            "cancel_initiated_at": null,
            "results_url": null,
            "brand_new_field": {"x": 1}
        })
    }

    #[test]
    fn message_batch_round_trips_with_unknown_fields() {
        let batch: MessageBatch = serde_json::from_value(batch_json()).unwrap();
        assert_eq!(batch.processing_status, ProcessingStatus::InProgress);
        assert_eq!(batch.request_counts.processing, 100);
        assert_eq!(batch.request_counts.errored, 30);
        assert_eq!(batch.request_counts.total(), 200);
        assert_eq!(batch.results_url, None);
        assert_eq!(batch.extra["brand_new_field"], json!({"x": 1}));
        assert!(!batch.is_ended());
        assert_eq!(serde_json::to_value(&batch).unwrap(), batch_json());
    }

    #[test]
    fn unknown_processing_status_is_kept() {
        let mut raw = batch_json();
        raw["processing_status"] = json!("paused");
        let batch: MessageBatch = serde_json::from_value(raw).unwrap();
        assert_eq!(
            batch.processing_status,
            ProcessingStatus::Other("paused".into())
        );
        assert_eq!(
            serde_json::to_value(&batch).unwrap()["processing_status"],
            "paused"
        );
    }

    #[test]
    fn create_params_serialize_as_documented() {
        let params = BatchCreateParams::new(vec![BatchRequest::new(
            "my-first-request",
            MessageCreateParams::new("claude-opus-4-8", 1024, vec![MessageParam::user("Hello")]),
        )]);
        let json = serde_json::to_value(&params).unwrap();
        assert_eq!(
            json,
            json!({"requests": [{
                "custom_id": "my-first-request",
                "params": {
                    "model": "claude-opus-4-8",
                    "max_tokens": 1024,
                    "messages": [{"role": "user", "content": "Hello"}]
                }
            }]})
        );
        let back: BatchCreateParams = serde_json::from_value(json).unwrap();
        assert_eq!(back, params);
    }

    #[test]
    fn page_and_deleted_round_trip() {
        let page = json!({"data": [batch_json()], "has_more": true,
            "first_id": "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF", "last_id": "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF"});
        let parsed: MessageBatchPage = serde_json::from_value(page.clone()).unwrap();
        assert!(parsed.has_more);
        assert_eq!(parsed.data.len(), 1);
        assert_eq!(
            parsed.last_id.as_deref(),
            Some("msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
        );
        assert_eq!(serde_json::to_value(&parsed).unwrap(), page);

        let deleted = json!({"id": "msgbatch_1", "type": "message_batch_deleted"});
        let parsed: DeletedMessageBatch = serde_json::from_value(deleted.clone()).unwrap();
        assert_eq!(parsed.kind, "message_batch_deleted");
        assert_eq!(serde_json::to_value(&parsed).unwrap(), deleted);
    }

    #[test]
    fn every_result_type_round_trips() {
        let lines = [
            json!({"custom_id": "a", "result": {"type": "succeeded", "message": {
                "id": "msg_1", "type": "message", "role": "assistant",
                "content": [{"type": "text", "text": "Hi"}], "model": "claude-opus-4-8",
                "stop_reason": "end_turn", "stop_sequence": null,
                "usage": {"input_tokens": 3, "output_tokens": 1}}}}),
            json!({"custom_id": "b", "result": {"type": "errored", "error": {"type": "error",
                "error": {"type": "overloaded_error", "message": "busy"}, "request_id": "req_9"}}}),
            json!({"custom_id": "c", "result": {"type": "canceled"}}),
            json!({"custom_id": "d", "result": {"type": "expired"}}),
            json!({"custom_id": "e", "result": {"type": "deferred", "until": 5}}),
        ];
        let results: Vec<BatchResult> = lines
            .iter()
            .map(|l| serde_json::from_value(l.clone()).unwrap())
            .collect();
        let BatchResultKind::Succeeded(ok) = &results[0].result else {
            panic!("{:?}", results[0]);
        };
        assert_eq!(ok.message.text(), "Hi");
        assert_eq!(ok.message.stop_reason, Some(StopReason::EndTurn));
        let BatchResultKind::Errored(err) = &results[1].result else {
            panic!("{:?}", results[1]);
        };
        assert_eq!(*err.error.error_type(), ErrorType::Overloaded);
        assert_eq!(err.error.message(), "busy");
        assert_eq!(err.error.request_id(), Some("req_9"));
        assert!(matches!(results[2].result, BatchResultKind::Canceled(_)));
        assert!(matches!(results[3].result, BatchResultKind::Expired(_)));
        assert!(matches!(results[4].result, BatchResultKind::Other(_)));
        assert_eq!(results[4].result.type_name(), Some("deferred"));
        for (line, result) in lines.iter().zip(&results) {
            assert_eq!(&serde_json::to_value(result).unwrap(), line);
        }
    }

    #[test]
    fn a_bare_error_object_is_read_too() {
        let e =
            BatchResultError::from_json(json!({"type": "invalid_request_error", "message": "no"}));
        assert_eq!(*e.error_type(), ErrorType::InvalidRequest);
        assert_eq!(e.message(), "no");
        assert_eq!(e.request_id(), None);
        let e =
            BatchResultError::from_json(json!({"type": "error", "error": {"type": "brand_new"}}));
        assert_eq!(*e.error_type(), ErrorType::Other("brand_new".into()));
    }
}
