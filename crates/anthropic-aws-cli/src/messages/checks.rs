//! The local checks of object values: the `type`s and enums the API defines, then the shape of
//! the typed request (`anthropic_aws::types`), so that a typo is a usage error naming the flag
//! instead of a 400 after the round trip.

use anthropic_aws::types::{
    CacheControl, ContainerParam, ContextManagement, Metadata, OutputConfig, OutputFormat,
    ThinkingConfig, ToolChoice, ToolParam,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// `output_config.effort`.
pub const EFFORTS: &[&str] = &["low", "medium", "high", "xhigh", "max"];

/// Any mapping.
pub fn mapping(_: &Map<String, Value>) -> Result<(), String> {
    Ok(())
}

pub fn cache_control(map: &Map<String, Value>) -> Result<(), String> {
    required_choice(map, "type", &["ephemeral"])?;
    optional_choice(map, "ttl", &["5m", "1h"])?;
    fits::<CacheControl>(map, "a cache breakpoint")
}

pub fn container(map: &Map<String, Value>) -> Result<(), String> {
    fits::<ContainerParam>(map, "a container")
}

pub fn context_management(map: &Map<String, Value>) -> Result<(), String> {
    fits::<ContextManagement>(map, "a context-management configuration")
}

pub fn mcp_server(map: &Map<String, Value>) -> Result<(), String> {
    optional_choice(map, "type", &["url"])
}

pub fn metadata(map: &Map<String, Value>) -> Result<(), String> {
    fits::<Metadata>(map, "request metadata")
}

pub fn output_config(map: &Map<String, Value>) -> Result<(), String> {
    optional_choice(map, "effort", EFFORTS)?;
    if let Some(Value::Object(format)) = map.get("format") {
        output_format(format).map_err(|e| format!("format: {e}"))?;
    }
    fits::<OutputConfig>(map, "an output configuration")
}

pub fn output_format(map: &Map<String, Value>) -> Result<(), String> {
    required_choice(map, "type", &["json_schema"])?;
    fits::<OutputFormat>(map, "an output format")
}

pub fn thinking(map: &Map<String, Value>) -> Result<(), String> {
    required_choice(map, "type", &["enabled", "disabled", "adaptive"])?;
    fits::<ThinkingConfig>(map, "a thinking configuration")
}

pub fn tool(map: &Map<String, Value>) -> Result<(), String> {
    fits::<ToolParam>(map, "a tool definition")
}

pub fn tool_choice(map: &Map<String, Value>) -> Result<(), String> {
    required_choice(map, "type", &["auto", "any", "tool", "none"])?;
    fits::<ToolChoice>(map, "a tool choice")
}

fn required_choice(map: &Map<String, Value>, key: &str, choices: &[&str]) -> Result<(), String> {
    match map.get(key) {
        None | Some(Value::Null) => Err(format!("`{key}` is required: {}", choices.join(", "))),
        Some(_) => optional_choice(map, key, choices),
    }
}

fn optional_choice(map: &Map<String, Value>, key: &str, choices: &[&str]) -> Result<(), String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if choices.contains(&s.as_str()) => Ok(()),
        Some(Value::String(s)) => Err(format!(
            "`{key}` must be one of {}, not `{s}`",
            choices.join(", ")
        )),
        Some(_) => Err(format!(
            "`{key}` must be a string: one of {}",
            choices.join(", ")
        )),
    }
}

/// The mapping reads as the request's `T`.
fn fits<T: DeserializeOwned>(map: &Map<String, Value>, what: &str) -> Result<(), String> {
    serde_json::from_value::<T>(Value::Object(map.clone()))
        .map(drop)
        .map_err(|e| format!("not {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("a mapping literal"),
        }
    }

    #[test]
    fn known_types_pass_and_typos_are_named() {
        assert!(thinking(&map(json!({"type": "enabled", "budget_tokens": 1024}))).is_ok());
        assert!(thinking(&map(json!({"type": "adaptive"}))).is_ok());
        let typo = thinking(&map(json!({"type": "enabeld"}))).unwrap_err();
        assert!(typo.contains("not `enabeld`"), "{typo}");
        let budget = thinking(&map(json!({"type": "enabled", "budget_tokens": "lots"})));
        assert!(
            budget
                .unwrap_err()
                .starts_with("not a thinking configuration")
        );
        assert!(tool_choice(&map(json!({"type": "tool", "name": "f"}))).is_ok());
        assert!(tool_choice(&map(json!({"name": "f"}))).is_err());
        assert!(cache_control(&map(json!({"type": "ephemeral", "ttl": "1h"}))).is_ok());
        assert!(cache_control(&map(json!({"type": "ephemeral", "ttl": "2h"}))).is_err());
        let format = json!({"format": {"type": "xml"}});
        let message = output_config(&map(format)).unwrap_err();
        assert!(
            message.starts_with("format: `type` must be one of json_schema"),
            "{message}"
        );
        assert!(output_config(&map(json!({"effort": "max"}))).is_ok());
        assert!(mcp_server(&map(json!({"type": "stdio"}))).is_err());
        assert!(metadata(&map(json!({"user_id": 7}))).is_err());
    }

    #[test]
    fn tools_of_every_kind_fit() {
        for tool_json in [
            json!({"name": "get_weather", "input_schema": {"type": "object"}}),
            json!({"type": "custom", "name": "f", "input_schema": {"type": "object"}}),
            json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 5}),
            json!({"type": "some_future_tool_20270101", "name": "x"}),
        ] {
            assert!(tool(&map(tool_json.clone())).is_ok(), "{tool_json}");
        }
    }
}
