//! A full sample of every struct declared with `wire_struct!`: each field set, in declaration
//! order, then one unknown field (`_x`, which sorts before every modeled name, so a field the
//! decoder missed would come out of `extra` in another place). Each sample must round-trip
//! byte for byte, name exactly the fields the macro generated a decoder for, and each field
//! must read as its presence says when it is absent, `null` or sent twice.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::*;

const MESSAGE: &str = r#"{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"Hi"}],"model":"m","stop_reason":"end_turn","stop_sequence":"s","usage":{"input_tokens":3,"output_tokens":1},"stop_details":{"type":"refusal","category":"cyber","explanation":"e"},"container":{"id":"c"},"context_management":{"applied_edits":[]},"_x":1}"#;
const CC: &str = r#"{"type":"ephemeral","ttl":"1h"}"#;

/// The wire names and presences `wire_struct!` generated a decoder for.
type Fields = &'static [(&'static str, &'static str)];

/// Decodes `json` as `T` and serializes it back (`Err` with the decoder's message).
type Check = fn(&str) -> Result<String, String>;

/// `(type name, sample, its fields, its check)` for every `wire_struct!` type.
fn samples() -> Vec<(&'static str, String, Fields, Check)> {
    fn check<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, String> {
        let value = serde_json::from_str::<T>(json).map_err(|e| e.to_string())?;
        Ok(serde_json::to_string(&value).expect("serializes"))
    }
    macro_rules! s {
        ($($ty:ident => $json:expr,)*) => {
            vec![$((
                stringify!($ty),
                $json.replace("MESSAGE", MESSAGE).replace("CC", CC),
                $ty::WIRE_FIELDS,
                check::<$ty> as Check,
            ),)*]
        };
    }
    s! {
        TextBlock => r#"{"text":"t","citations":[{"a":1}],"_x":1}"#,
        ThinkingBlock => r#"{"thinking":"t","signature":"s","_x":1}"#,
        RedactedThinkingBlock => r#"{"data":"d","_x":1}"#,
        ToolUseBlock => r#"{"id":"i","name":"n","input":{"q":1},"_x":1}"#,
        BatchResult => r#"{"custom_id":"a","result":{"type":"canceled"},"_x":1}"#,
        SucceededResult => r#"{"message":MESSAGE,"_x":1}"#,
        ErroredResult => r#"{"error":{"error":{"message":"m","type":"api_error"},"type":"error"},"_x":1}"#,
        CanceledResult => r#"{"_x":1}"#,
        ExpiredResult => r#"{"_x":1}"#,
        WebSearchResultBlock => r#"{"url":"u","title":"t","encrypted_content":"e","page_age":"p","_x":1}"#,
        WebSearchToolResultBlock => r#"{"tool_use_id":"t","content":[{"type":"web_search_result","url":"u","title":"t","encrypted_content":"e"}],"caller":{"type":"direct"},"cache_control":CC,"_x":1}"#,
        DocumentBlock => r#"{"source":{"type":"url","url":"u"},"title":"t","citations":{"enabled":true},"_x":1}"#,
        WebFetchResultBlock => r#"{"url":"u","content":{"type":"document","source":{"type":"url","url":"u"}},"retrieved_at":"r","_x":1}"#,
        WebFetchToolResultBlock => r#"{"tool_use_id":"t","content":{"type":"web_fetch_tool_result_error","error_code":"unavailable"},"caller":{"type":"direct"},"cache_control":CC,"_x":1}"#,
        Usage => r#"{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":3,"cache_read_input_tokens":4,"service_tier":"batch","server_tool_use":{"web_search_requests":1,"web_fetch_requests":2},"cache_creation":{"ephemeral_5m_input_tokens":1,"ephemeral_1h_input_tokens":2},"inference_geo":"us","_x":1}"#,
        CacheCreation => r#"{"ephemeral_5m_input_tokens":1,"ephemeral_1h_input_tokens":2,"_x":1}"#,
        ServerToolUsage => r#"{"web_search_requests":1,"web_fetch_requests":2,"_x":1}"#,
        RefusalStopDetails => r#"{"category":"bio","explanation":"e","_x":1}"#,
        Message => MESSAGE,
        AppliedEditCounts => r#"{"cleared_input_tokens":1,"cleared_tool_uses":2,"cleared_thinking_turns":3,"_x":1}"#,
        AppliedThinkingEdit => r#"{"cleared_input_tokens":1,"cleared_thinking_turns":3,"_x":1}"#,
        AppliedContextEdits => r#"{"applied_edits":[{"type":"clear_thinking_20251015","cleared_thinking_turns":1}],"_x":1}"#,
        ContainerUploadBlock => r#"{"file_id":"f","cache_control":CC,"_x":1}"#,
        ContainerSkill => r#"{"type":"custom","skill_id":"s","version":"v","_x":1}"#,
        Container => r#"{"id":"c","expires_at":"e","skills":[{"type":"anthropic","skill_id":"pptx"}],"_x":1}"#,
        MessageDelta => r#"{"stop_reason":"tool_use","stop_sequence":"s","stop_details":{"type":"refusal"},"container":{"id":"c"},"_x":1}"#,
        ServerToolResultError => r#"{"error_code":"unavailable","error_message":"m","_x":1}"#,
        DirectCaller => r#"{"_x":1}"#,
        CodeExecutionCaller => r#"{"tool_id":"t","_x":1}"#,
        CodeExecutionCaller20260120 => r#"{"tool_id":"t","_x":1}"#,
        ServerToolUseBlock => r#"{"id":"i","name":"web_search","input":{"q":1},"caller":{"type":"code_execution_20250825","tool_id":"t"},"cache_control":CC,"_x":1}"#,
        SearchResultBlockParam => r#"{"source":"s","title":"t","content":[{"type":"text","text":"x"}],"citations":{"enabled":false},"cache_control":CC,"_x":1}"#,
        CodeExecutionToolResultBlock => r#"{"tool_use_id":"t","content":{"type":"code_execution_tool_result_error","error_code":"unavailable"},"cache_control":CC,"_x":1}"#,
        BashCodeExecutionToolResultBlock => r#"{"tool_use_id":"t","content":{"type":"bash_code_execution_result","stdout":"o","stderr":"e","return_code":0,"content":[]},"cache_control":CC,"_x":1}"#,
        TextEditorCodeExecutionToolResultBlock => r#"{"tool_use_id":"t","content":{"type":"text_editor_code_execution_create_result","is_file_update":true},"cache_control":CC,"_x":1}"#,
        ToolSearchToolResultBlock => r#"{"tool_use_id":"t","content":{"type":"tool_search_tool_search_result","tool_references":[]},"cache_control":CC,"_x":1}"#,
        CodeExecutionOutputBlock => r#"{"file_id":"f","_x":1}"#,
        CodeExecutionResultBlock => r#"{"stdout":"o","stderr":"e","return_code":1,"content":[{"type":"code_execution_output","file_id":"f"}],"_x":1}"#,
        EncryptedCodeExecutionResultBlock => r#"{"encrypted_stdout":"o","stderr":"e","return_code":1,"content":[{"type":"code_execution_output","file_id":"f"}],"_x":1}"#,
        BashCodeExecutionOutputBlock => r#"{"file_id":"f","_x":1}"#,
        BashCodeExecutionResultBlock => r#"{"stdout":"o","stderr":"e","return_code":2,"content":[{"type":"bash_code_execution_output","file_id":"f"}],"_x":1}"#,
        TextEditorViewResultBlock => r#"{"content":"c","file_type":"text","num_lines":1,"start_line":2,"total_lines":3,"_x":1}"#,
        TextEditorCreateResultBlock => r#"{"is_file_update":false,"_x":1}"#,
        TextEditorStrReplaceResultBlock => r#"{"lines":["a"],"old_start":1,"old_lines":2,"new_start":3,"new_lines":4,"_x":1}"#,
        ToolReferenceBlock => r#"{"tool_name":"t","cache_control":CC,"_x":1}"#,
        ToolSearchResultBlock => r#"{"tool_references":[{"type":"tool_reference","tool_name":"t"}],"_x":1}"#,
    }
}

/// How many structs `src/types` declares through `wire_struct!` (directly, or through
/// `tool_result_block!`, whose body is one `wire_struct!` itself).
fn declared_wire_structs() -> usize {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/types");
    let mut direct = 0;
    let mut through_tool_result = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in source.lines().map(str::trim) {
            direct += usize::from(line == "wire_struct! {");
            through_tool_result += usize::from(line == "tool_result_block! {");
        }
    }
    direct - 1 + through_tool_result
}

#[test]
fn every_sample_round_trips_byte_for_byte_and_names_every_field() {
    let samples = samples();
    assert_eq!(
        samples.len(),
        declared_wire_structs(),
        "one sample per wire_struct! type"
    );
    for (name, json, fields, check) in samples {
        assert_eq!(check(&json).as_deref(), Ok(json.as_str()), "{name}");
        let object: Map<String, Value> = serde_json::from_str(&json).unwrap();
        let keys: Vec<&str> = object
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "_x")
            .collect();
        let mut listed: Vec<&str> = fields.iter().map(|(wire, _)| *wire).collect();
        listed.sort_unstable();
        assert_eq!(
            keys, listed,
            "{name}: the sample's fields are the decoded ones"
        );
    }
}

#[test]
fn every_field_reads_absent_null_and_repeated_as_its_presence_says() {
    for (name, json, fields, check) in samples() {
        let full: Map<String, Value> = serde_json::from_str(&json).unwrap();
        for &(wire, presence) in fields {
            let mut absent = full.clone();
            absent.remove(wire);
            let absent = check(&Value::Object(absent).to_string());
            if presence.starts_with("required") {
                let err = absent.expect_err(name);
                assert!(
                    err.contains(&format!("missing field `{wire}`")),
                    "{name}: {err}"
                );
            } else {
                // A `default` field is always written (its default); the others stay out.
                let out: Value = serde_json::from_str(&absent.expect(name)).unwrap();
                let written = out.get(wire).is_some();
                assert_eq!(written, presence == "default", "{name}.{wire} when absent");
            }

            let mut null = full.clone();
            null.insert(wire.to_owned(), Value::Null);
            let null = check(&Value::Object(null).to_string());
            match presence {
                "nullable" => {
                    let out: Value = serde_json::from_str(&null.expect(name)).unwrap();
                    assert_eq!(
                        out.get(wire),
                        Some(&Value::Null),
                        "{name}.{wire} keeps its null"
                    );
                }
                "optional" => {
                    let out: Value = serde_json::from_str(&null.expect(name)).unwrap();
                    assert_eq!(out.get(wire), None, "{name}.{wire}: null reads as None");
                }
                _ => {}
            }

            let twice = json.replacen('{', &format!("{{\"{wire}\":{},", full[wire]), 1);
            let err = check(&twice).expect_err(name);
            assert!(
                err.contains(&format!("duplicate field `{wire}`")),
                "{name}: {err}"
            );
        }
    }
}
