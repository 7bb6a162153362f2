//! `GET /v1/models` and `GET /v1/models/{id}`: a fixed catalogue.

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::pages::{IdCursor, IdPage};

/// A model of the fixed catalogue.
struct ModelInfo {
    id: &'static str,
    display_name: &'static str,
    created_at: &'static str,
}

/// Newest first, as the API lists them.
const MODELS: [ModelInfo; 3] = [
    ModelInfo {
        id: "claude-opus-4-8",
        display_name: "Claude Opus 4.8",
        created_at: "2026-09-30T00:00:00Z",
    },
    ModelInfo {
        id: "claude-sonnet-4-6",
        display_name: "Claude Sonnet 4.6",
        created_at: "2026-06-17T00:00:00Z",
    },
    ModelInfo {
        id: "claude-haiku-4-5",
        display_name: "Claude Haiku 4.5",
        created_at: "2026-02-24T00:00:00Z",
    },
];

fn model_json(m: &ModelInfo) -> Value {
    json!({
        "type": "model",
        "id": m.id,
        "display_name": m.display_name,
        "created_at": m.created_at,
    })
}

/// `GET /v1/models/{id}`.
pub(crate) fn get_model(id: &str) -> Result<Value, ApiError> {
    MODELS
        .iter()
        .find(|m| m.id == id)
        .map(model_json)
        .ok_or_else(|| ApiError::not_found(format!("model: {id}")))
}

/// `GET /v1/models`: the page `query` asks for.
pub(crate) fn list_models(query: &IdPage<'_>) -> Result<Value, ApiError> {
    let position = |field: &str, id: &str| {
        MODELS
            .iter()
            .position(|m| m.id == id)
            .ok_or_else(|| ApiError::invalid_request(format!("{field}: unknown model id '{id}'")))
    };
    Ok(match query.cursor {
        IdCursor::First => query.answer(MODELS.iter(), model_json),
        IdCursor::After(after) => {
            let start = position("after_id", after)? + 1;
            query.answer(MODELS.iter().skip(start), model_json)
        }
        IdCursor::Before(before) => {
            let end = position("before_id", before)?;
            query.answer(MODELS.iter().take(end).rev(), model_json)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &Value) -> Vec<&str> {
        v["data"]
            .as_array()
            .map(|d| d.iter().filter_map(|m| m["id"].as_str()).collect())
            .unwrap_or_default()
    }

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// `GET /v1/models` with the query `pairs` (as `models/routes.rs` reads it).
    fn list(pairs: &[(String, String)]) -> Result<Value, ApiError> {
        IdPage::parse(pairs, 1000).and_then(|page| list_models(&page))
    }

    #[test]
    fn model_pages() {
        let all = list(&[]).unwrap_or_default();
        assert_eq!(
            ids(&all),
            ["claude-opus-4-8", "claude-sonnet-4-6", "claude-haiku-4-5"]
        );
        assert_eq!(all["has_more"], false);
        assert_eq!(all["first_id"], "claude-opus-4-8");
        assert_eq!(all["last_id"], "claude-haiku-4-5");

        let first = list(&q(&[("limit", "1")])).unwrap_or_default();
        assert_eq!(ids(&first), ["claude-opus-4-8"]);
        assert_eq!(first["has_more"], true);
        let second =
            list(&q(&[("limit", "1"), ("after_id", "claude-opus-4-8")])).unwrap_or_default();
        assert_eq!(ids(&second), ["claude-sonnet-4-6"]);
        assert_eq!(second["has_more"], true);
        let last =
            list(&q(&[("limit", "5"), ("after_id", "claude-sonnet-4-6")])).unwrap_or_default();
        assert_eq!(ids(&last), ["claude-haiku-4-5"]);
        assert_eq!(last["has_more"], false);
        let before =
            list(&q(&[("limit", "1"), ("before_id", "claude-haiku-4-5")])).unwrap_or_default();
        assert_eq!(ids(&before), ["claude-sonnet-4-6"]);
        assert_eq!(before["has_more"], true);
        let empty = list(&q(&[("after_id", "claude-haiku-4-5")])).unwrap_or_default();
        assert_eq!(ids(&empty), Vec::<&str>::new());
        assert_eq!(empty["first_id"], Value::Null);

        for bad in [
            q(&[("limit", "0")]),
            q(&[("limit", "1001")]),
            q(&[("limit", "x")]),
            q(&[("after_id", "nope")]),
            q(&[
                ("after_id", "claude-opus-4-8"),
                ("before_id", "claude-haiku-4-5"),
            ]),
        ] {
            assert_eq!(list(&bad).map_err(|e| e.status), Err(400), "{bad:?}");
        }
        assert_eq!(get_model("nope").map_err(|e| e.status), Err(404));
        assert!(get_model("claude-haiku-4-5").is_ok());
    }
}
