//! The Models API: [`ModelInfo`], its pages ([`IdPage`]) and [`ModelListParams`].

use super::paging::{IdListParams, IdPage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ModelCapabilities;

/// A model (`GET /v1/models/{model_id}`, or an entry of an [`IdPage`]).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ModelInfo {
    /// The model ID, as used in requests.
    pub id: String,
    /// A human-readable name.
    pub display_name: String,
    /// Release time, an RFC 3339 string (e.g. `"2026-02-19T00:00:00Z"`).
    pub created_at: String,
    /// Object type (`type` in the JSON); always `"model"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The most input tokens (context window) the model accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_input_tokens: Option<u64>,
    /// The most output tokens (`max_tokens`) the model accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// What the model supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<ModelCapabilities>,
    /// Fields not modeled here (lifecycle fields the API may add, ...), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `GET /v1/models`.
#[deprecated(since = "0.2.0", note = "use `IdPage<ModelInfo>`")]
pub type ModelPage = IdPage<ModelInfo>;

/// Query parameters of `GET /v1/models` (the name the other lists' parameters follow:
/// `BatchListParams`, `FileListParams`, `SkillListParams`, `SkillVersionListParams`).
pub type ModelListParams = IdListParams;

/// Query parameters of `GET /v1/models`; the old name of [`ModelListParams`].
///
/// ```
/// use anthropic_aws::types::ListModelsParams;
///
/// let params = ListModelsParams::new().limit(50).after_id("claude-opus-4-8");
/// assert_eq!(
///     params.query_pairs(),
///     vec![("after_id", "claude-opus-4-8".to_string()), ("limit", "50".to_string())]
/// );
/// assert!(ListModelsParams::default().query_pairs().is_empty());
/// ```
#[deprecated(since = "0.2.0", note = "use `ModelListParams`")]
pub type ListModelsParams = IdListParams;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_pairs_list_only_set_parameters() {
        assert_eq!(ModelListParams::new().query_pairs(), vec![]);
        let all = ModelListParams::new().limit(7).after_id("a").before_id("b");
        assert_eq!(
            all.query_pairs(),
            vec![
                ("before_id", "b".to_owned()),
                ("after_id", "a".to_owned()),
                ("limit", "7".to_owned())
            ]
        );
        assert_eq!(
            ModelListParams::new().limit(1000).query_pairs(),
            vec![("limit", "1000".to_owned())]
        );
    }

    #[test]
    fn model_page_round_trips_with_unknown_fields() {
        let raw = json!({
            "data": [{
                "id": "claude-opus-4-8",
                "display_name": "Claude Opus 4.8",
                "created_at": "2026-02-19T00:00:00Z",
                "type": "model",
                "max_input_tokens": 1000000,
                "capabilities": {"thinking": {"supported": true}}
            }],
            "has_more": false,
            "first_id": "claude-opus-4-8",
            "last_id": null
        });
        let page: IdPage<ModelInfo> = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(page.data.len(), 1);
        assert_eq!(page.data[0].kind, "model");
        assert_eq!(page.data[0].max_input_tokens, Some(1_000_000));
        let thinking = page.data[0]
            .capabilities
            .as_ref()
            .and_then(|c| c.thinking.as_ref());
        assert_eq!(thinking.map(|t| t.supported), Some(true));
        assert_eq!(page.first_id.as_deref(), Some("claude-opus-4-8"));
        assert_eq!(page.last_id, None);
        assert_eq!(serde_json::to_value(&page).unwrap(), raw);
    }
}
