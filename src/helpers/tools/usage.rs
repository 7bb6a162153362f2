//! The usage of a whole run: every step's counts added up.

use crate::types::{CacheCreation, ServerToolUsage, Usage};

/// Adds `step`'s counts to `total`. A count absent from both stays absent; the service tier
/// and inference geography are the latest step's; fields not modeled are not summed.
pub(super) fn add_usage(total: &mut Usage, step: &Usage) {
    total.input_tokens += step.input_tokens;
    total.output_tokens += step.output_tokens;
    add(
        &mut total.cache_creation_input_tokens,
        step.cache_creation_input_tokens,
    );
    add(
        &mut total.cache_read_input_tokens,
        step.cache_read_input_tokens,
    );
    if let Some(tools) = &step.server_tool_use {
        let sum = total
            .server_tool_use
            .get_or_insert_with(ServerToolUsage::default);
        add(&mut sum.web_search_requests, tools.web_search_requests);
        add(&mut sum.web_fetch_requests, tools.web_fetch_requests);
    }
    if let Some(cache) = &step.cache_creation {
        let sum = total
            .cache_creation
            .get_or_insert_with(CacheCreation::default);
        add(
            &mut sum.ephemeral_5m_input_tokens,
            cache.ephemeral_5m_input_tokens,
        );
        add(
            &mut sum.ephemeral_1h_input_tokens,
            cache.ephemeral_1h_input_tokens,
        );
    }
    if step.service_tier.is_some() {
        total.service_tier.clone_from(&step.service_tier);
    }
    if step.inference_geo.is_some() {
        total.inference_geo.clone_from(&step.inference_geo);
    }
}

fn add(total: &mut Option<u64>, step: Option<u64>) {
    if let Some(step) = step {
        *total = Some(total.unwrap_or(0) + step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_add_up_and_absent_ones_stay_absent() {
        let a: Usage = serde_json::from_value(json!({
            "input_tokens": 10, "output_tokens": 2, "cache_read_input_tokens": 5,
            "server_tool_use": {"web_search_requests": 1}, "service_tier": "standard"
        }))
        .unwrap();
        let b: Usage = serde_json::from_value(json!({
            "input_tokens": 7, "output_tokens": 3, "cache_read_input_tokens": 1,
            "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 1},
            "inference_geo": "us"
        }))
        .unwrap();
        let mut total = Usage::default();
        add_usage(&mut total, &a);
        add_usage(&mut total, &b);
        assert_eq!(
            serde_json::to_value(&total).unwrap(),
            json!({
                "input_tokens": 17, "output_tokens": 5, "cache_read_input_tokens": 6,
                "server_tool_use": {"web_search_requests": 3, "web_fetch_requests": 1},
                "service_tier": "standard", "inference_geo": "us"
            })
        );
    }
}
