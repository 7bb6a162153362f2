//! `POST /v1/messages/batches`: the body is read one request at a time,
//! each validated as `POST /v1/messages` validates its body and turned into
//! its result at once, so that no params are kept.

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::Ordering;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Value, json};

use super::batch::Requests;
use super::context::Context;
use super::limits::MAX_REQUESTS;
use super::results::{Entry, Outcome, SYNTHETIC_LINE_BYTES, SYNTHETIC_MAX_MODEL_BYTES, Synthetic};
use crate::error::ApiError;
use crate::messages::{self, Endpoint};
use crate::scenario::{self, Scenario, ScenarioError};

/// Longest `stream-text-bytes` of one batch request (its Message is kept
/// until the batch is deleted).
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// The requests of a create body, validated and answered.
///
/// `header` is the create request's own scenario: `batch-expire=true`
/// makes every request expire, `batch-results-bytes=N` makes the batch
/// synthetic (its requests are still validated).
pub(crate) fn parse(
    ctx: &Context<'_>,
    body: &[u8],
    header: Option<&Scenario>,
) -> Result<Requests, ApiError> {
    let mut reader = Reader {
        ctx,
        expire_all: header.and_then(|s| s.batch_expire).unwrap_or(false),
        synthetic: header.and_then(|s| s.batch_results_bytes).is_some(),
        seen: HashSet::new(),
        entries: Vec::new(),
        first_model: None,
        count: 0,
        error: None,
        has_requests: false,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = BodySeed(&mut reader)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    if let Some(error) = reader.error {
        return Err(error);
    }
    parsed.map_err(|e| ApiError::invalid_request(format!("request body is not valid: {e}")))?;
    if !reader.has_requests {
        return Err(ApiError::invalid_request("requests: Field required"));
    }
    if reader.count == 0 {
        return Err(ApiError::invalid_request(
            "requests: at least one request is required",
        ));
    }
    match header.and_then(|s| s.batch_results_bytes) {
        Some(bytes) => {
            let model = reader.first_model.unwrap_or_default();
            Synthetic::new(bytes, &model)
                .map(Requests::Synthetic)
                .ok_or_else(|| {
                    ApiError::invalid_request(format!(
                        "emulator scenario: batch-results-bytes is at least \
                         {SYNTHETIC_LINE_BYTES}, with a model name of at most \
                         {SYNTHETIC_MAX_MODEL_BYTES} bytes"
                    ))
                })
        }
        None => Ok(Requests::Stored(reader.entries.into())),
    }
}

/// What the reader has seen so far.
struct Reader<'a> {
    ctx: &'a Context<'a>,
    expire_all: bool,
    synthetic: bool,
    seen: HashSet<Box<str>>,
    entries: Vec<Entry>,
    first_model: Option<String>,
    count: usize,
    /// The first error: reading stops there.
    error: Option<ApiError>,
    has_requests: bool,
}

/// One element of `requests`, before validation.
#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    custom_id: Value,
    #[serde(default)]
    params: Value,
}

impl Reader<'_> {
    fn add(&mut self, item: Item) -> Result<(), ApiError> {
        let i = self.count;
        if i >= MAX_REQUESTS {
            return Err(ApiError::invalid_request(format!(
                "requests: a batch holds at most {MAX_REQUESTS} requests"
            )));
        }
        self.count += 1;
        let custom_id = match &item.custom_id {
            Value::String(id) if is_custom_id(id) => id.as_str(),
            Value::Null => {
                return Err(ApiError::invalid_request(format!(
                    "requests.{i}.custom_id: Field required"
                )));
            }
            _ => {
                return Err(ApiError::invalid_request(format!(
                    "requests.{i}.custom_id: should be 1 to 64 characters of a-z, A-Z, 0-9, \
                     '_' and '-'"
                )));
            }
        };
        if !self.seen.insert(custom_id.into()) {
            return Err(ApiError::invalid_request(format!(
                "requests.{i}.custom_id: '{custom_id}' is used by another request of this batch"
            )));
        }
        let outcome = self.answer(i, &item.params)?;
        if !self.synthetic {
            self.entries.push(Entry {
                custom_id: custom_id.into(),
                outcome,
            });
        }
        Ok(())
    }

    /// Validates `params` as `POST /v1/messages` does, then answers it.
    fn answer(&mut self, i: usize, params: &Value) -> Result<Outcome, ApiError> {
        let at = |e: ApiError| ApiError {
            message: format!("requests.{i}.params.{}", e.message),
            ..e
        };
        if params.is_null() {
            return Err(ApiError::invalid_request(format!(
                "requests.{i}.params: Field required"
            )));
        }
        let bytes = serde_json::to_vec(params)
            .map_err(|e| ApiError::invalid_request(format!("requests.{i}.params: {e}")))?;
        let mut request =
            messages::parse_messages_request(&bytes, Endpoint::Messages).map_err(at)?;
        if request.stream {
            return Err(at(ApiError::invalid_request(
                "stream: streaming is not supported in a batch",
            )));
        }
        let (name, suffix) = scenario::split_model(&request.model);
        let name = name.to_owned();
        let scenario = suffix.map(scenario::parse).transpose().map_err(|m| {
            at(ApiError::invalid_request(format!(
                "model: emulator scenario: {m}"
            )))
        })?;
        if self.first_model.is_none() {
            self.first_model = Some(name.clone());
        }
        if self.synthetic {
            return Ok(Outcome::Expired);
        }
        let scenario = scenario.as_ref();
        if self.expire_all || scenario.and_then(|s| s.batch_expire).unwrap_or(false) {
            return Ok(Outcome::Expired);
        }
        let active = scenario.is_some_and(|s| (self.ctx.scenario_active)(s));
        if let Some(s) = scenario
            && active
            && let Some(error) = s.error()
        {
            return Ok(Outcome::Errored(error_json(error).to_string().into()));
        }
        request.model = name;
        request.text_bytes = scenario.and_then(|s| s.text_bytes);
        if request.text_bytes.is_some_and(|n| n > MAX_TEXT_BYTES) {
            return Err(at(ApiError::invalid_request(format!(
                "model: emulator scenario: stream-text-bytes is at most {MAX_TEXT_BYTES} in a batch"
            ))));
        }
        request.script = scenario
            .map(|s| s.answer_script(active))
            .unwrap_or_default();
        // Its only errors are the scenario's (a `tool-use` name the tools lack).
        let plan = messages::answer_plan(&request).map_err(|e| {
            at(ApiError {
                message: format!("model: {}", e.message),
                ..e
            })
        })?;
        let number = self.ctx.message_counter.fetch_add(1, Ordering::SeqCst) + 1;
        let message = messages::message_json(&request, &plan, number);
        Ok(Outcome::Succeeded(message.to_string().into()))
    }
}

/// `^[a-zA-Z0-9_-]{1,64}$`.
fn is_custom_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The `error` of an `errored` result.
fn error_json(error: ScenarioError) -> Value {
    let (error_type, message) = match error {
        ScenarioError::Anthropic {
            error_type,
            message,
            ..
        } => (error_type, message),
        ScenarioError::Aws {
            status, message, ..
        } => (scenario::type_of_status(status).to_owned(), message),
        ScenarioError::Body { status, .. } => (
            if status >= 400 {
                scenario::type_of_status(status)
            } else {
                "api_error"
            }
            .to_owned(),
            "the answer was not valid JSON".to_owned(),
        ),
    };
    json!({ "type": "error", "error": { "type": error_type, "message": message } })
}

/// The body object: `requests` is read element by element, other fields
/// are skipped.
struct BodySeed<'r, 'a>(&'r mut Reader<'a>);

impl<'de> DeserializeSeed<'de> for BodySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with `requests`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "requests" {
                self.0.has_requests = true;
                map.next_value_seed(RequestsSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `requests`: each element is validated and answered as soon as read.
struct RequestsSeed<'r, 'a>(&'r mut Reader<'a>);

impl<'de> DeserializeSeed<'de> for RequestsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RequestsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`requests` as a list of {custom_id, params}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Item>()? {
            if let Err(error) = self.0.add(item) {
                let message = error.message.clone();
                self.0.error = Some(error);
                return Err(de::Error::custom(message));
            }
        }
        Ok(())
    }
}
