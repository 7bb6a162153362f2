//! The typed surface of API 2026-10-21: a fixture of real-shaped responses carrying every
//! server tool block decodes into typed variants (no `Other` anywhere) and serializes back to
//! the same JSON; each server tool definition serializes to the JSON the API expects.

use std::collections::BTreeSet;

use anthropic_aws::types::*;
use serde_json::{Value, json};

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/surface/messages.json")).unwrap()
}

/// Panics on any `Other` inside `block`; returns the `type` of the block and of its content.
fn typed_names(block: &ContentBlock) -> Vec<String> {
    let mut names = vec![block.type_name().unwrap_or("?").to_owned()];
    let caller = |c: &Option<ToolCaller>| {
        if let Some(ToolCaller::Other(v)) = c {
            panic!("untyped caller {v}");
        }
    };
    match block {
        ContentBlock::Other(v) => panic!("untyped block {v}"),
        ContentBlock::ServerToolUse(b) => {
            assert!(!matches!(b.name, ServerToolName::Other(_)), "{:?}", b.name);
            caller(&b.caller);
        }
        ContentBlock::WebSearchToolResult(b) => {
            caller(&b.caller);
            match &b.content {
                WebSearchToolResultContent::Results(results) => {
                    for r in results {
                        assert!(matches!(r, WebSearchResult::Page(_)), "{r:?}");
                    }
                    names.push("web_search_result".into());
                }
                WebSearchToolResultContent::Error(WebSearchToolResultError::Error(e)) => {
                    assert!(!matches!(e.error_code, ServerToolErrorCode::Other(_)));
                    names.push("web_search_tool_result_error".into());
                }
                WebSearchToolResultContent::Error(other) => panic!("{other:?}"),
            }
        }
        ContentBlock::WebFetchToolResult(b) => {
            if let WebFetchToolResultContent::Result(r) = &b.content {
                let WebFetchDocument::Document(doc) = &r.content else {
                    panic!("{:?}", r.content)
                };
                assert!(!matches!(doc.source, DocumentSource::Other(_)));
            }
            assert!(!matches!(b.content, WebFetchToolResultContent::Other(_)));
            names.push(b.content.type_name().unwrap().into());
        }
        ContentBlock::CodeExecutionToolResult(b) => {
            let files = match &b.content {
                CodeExecutionToolResultContent::Result(r) => &r.content,
                CodeExecutionToolResultContent::EncryptedResult(r) => &r.content,
                CodeExecutionToolResultContent::Error(_) => &Vec::new(),
                CodeExecutionToolResultContent::Other(v) => panic!("{v}"),
            };
            assert!(
                files
                    .iter()
                    .all(|f| matches!(f, CodeExecutionOutput::File(_)))
            );
            names.push(b.content.type_name().unwrap().into());
        }
        ContentBlock::BashCodeExecutionToolResult(b) => {
            if let BashCodeExecutionToolResultContent::Result(r) = &b.content {
                assert!(
                    r.content
                        .iter()
                        .all(|f| matches!(f, BashCodeExecutionOutput::File(_)))
                );
            }
            assert!(!matches!(
                b.content,
                BashCodeExecutionToolResultContent::Other(_)
            ));
            names.push(b.content.type_name().unwrap().into());
        }
        ContentBlock::TextEditorCodeExecutionToolResult(b) => {
            if let TextEditorCodeExecutionToolResultContent::View(v) = &b.content {
                assert!(!matches!(v.file_type, TextEditorFileType::Other(_)));
            }
            assert!(!matches!(
                b.content,
                TextEditorCodeExecutionToolResultContent::Other(_)
            ));
            names.push(b.content.type_name().unwrap().into());
        }
        ContentBlock::ToolSearchToolResult(b) => {
            if let ToolSearchToolResultContent::Result(r) = &b.content {
                assert!(
                    r.tool_references
                        .iter()
                        .all(|t| matches!(t, ToolReference::Tool(_)))
                );
            }
            assert!(!matches!(b.content, ToolSearchToolResultContent::Other(_)));
            names.push(b.content.type_name().unwrap().into());
        }
        _ => {}
    }
    names
}

#[test]
fn every_fixture_block_decodes_typed_and_round_trips() {
    let raw = fixture();
    let messages: Vec<Message> = serde_json::from_value(raw.clone()).unwrap();
    let mut seen = BTreeSet::new();
    for message in &messages {
        for block in &message.content {
            seen.extend(typed_names(block));
        }
        // Only the `null`s of typed fields are kept aside (to serialize back as received).
        for (extra, typed) in [
            (
                &message.extra,
                &["container", "stop_details", "context_management"][..],
            ),
            (
                &message.usage.extra,
                &["inference_geo", "cache_creation", "server_tool_use"][..],
            ),
        ] {
            for (key, value) in extra {
                assert!(
                    typed.contains(&key.as_str()) && value.is_null(),
                    "untyped `{key}`: {value}"
                );
            }
        }
    }
    for name in [
        "redacted_thinking",
        "server_tool_use",
        "web_search_tool_result",
        "web_search_result",
        "web_search_tool_result_error",
        "web_fetch_tool_result",
        "web_fetch_result",
        "web_fetch_tool_result_error",
        "code_execution_tool_result",
        "code_execution_result",
        "encrypted_code_execution_result",
        "code_execution_tool_result_error",
        "bash_code_execution_tool_result",
        "bash_code_execution_result",
        "bash_code_execution_tool_result_error",
        "text_editor_code_execution_tool_result",
        "text_editor_code_execution_view_result",
        "text_editor_code_execution_create_result",
        "text_editor_code_execution_str_replace_result",
        "text_editor_code_execution_tool_result_error",
        "tool_search_tool_result",
        "tool_search_tool_search_result",
        "tool_search_tool_result_error",
        "container_upload",
    ] {
        assert!(seen.contains(name), "the fixture has no typed `{name}`");
    }
    assert_eq!(serde_json::to_value(&messages).unwrap(), raw);
}

#[test]
fn response_fields_are_typed() {
    let messages: Vec<Message> = serde_json::from_value(fixture()).unwrap();
    let [web, code, refusal] = &messages[..] else {
        panic!("three messages")
    };
    let usage = &web.usage;
    assert_eq!(usage.inference_geo.as_deref(), Some("us"));
    let tools = usage.server_tool_use.as_ref().unwrap();
    assert_eq!(
        (tools.web_search_requests, tools.web_fetch_requests),
        (Some(2), Some(3))
    );
    assert_eq!(web.container, None);
    assert_eq!(web.stop_details, None);

    let cache = code.usage.cache_creation.as_ref().unwrap();
    assert_eq!(
        (
            cache.ephemeral_5m_input_tokens,
            cache.ephemeral_1h_input_tokens
        ),
        (Some(100), Some(4000))
    );
    let container = code.container.as_ref().unwrap();
    assert_eq!(container.id, "container_011CNha8iCJcU1wXNR6q4V8w");
    assert_eq!(
        container.expires_at.as_deref(),
        Some("2026-10-21T12:30:00Z")
    );
    let skills = container.skills.as_ref().unwrap();
    assert_eq!(skills[0].kind, ContainerSkillType::Anthropic);
    assert_eq!(skills[1].kind, ContainerSkillType::Custom);
    let edits = &code.context_management.as_ref().unwrap().applied_edits;
    assert!(
        matches!(&edits[0], AppliedContextEdit::ClearToolUses(e) if e.cleared_tool_uses == Some(4))
    );
    assert!(
        matches!(&edits[1], AppliedContextEdit::ClearThinking(e) if e.cleared_thinking_turns == Some(2))
    );
    let Some(ContentBlock::ServerToolUse(bash)) = code.content.get(5) else {
        panic!("{:?}", code.content.get(5))
    };
    assert_eq!(bash.name, ServerToolName::BashCodeExecution);
    assert!(
        matches!(&bash.caller, Some(ToolCaller::CodeExecution20250825(c)) if c.tool_id == "srvtoolu_01CE")
    );

    assert_eq!(refusal.stop_reason, Some(StopReason::Refusal));
    let Some(StopDetails::Refusal(details)) = &refusal.stop_details else {
        panic!("{:?}", refusal.stop_details)
    };
    assert_eq!(details.category, Some(RefusalCategory::Cyber));
    assert_eq!(refusal.usage.inference_geo, None);
}

#[test]
fn fixture_blocks_go_back_as_typed_request_blocks() {
    let raw = fixture();
    for message in raw.as_array().unwrap() {
        let blocks = message["content"].as_array().unwrap();
        let params: Vec<ContentBlockParam> =
            serde_json::from_value(Value::Array(blocks.clone())).unwrap();
        for p in &params {
            assert!(!matches!(p, ContentBlockParam::Other(_)), "{p:?}");
        }
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            Value::Array(blocks.clone())
        );

        let decoded: Message = serde_json::from_value(message.clone()).unwrap();
        let converted: Vec<ContentBlockParam> =
            decoded.content.into_iter().map(Into::into).collect();
        assert_eq!(converted, params);
    }
}

#[test]
fn unknown_server_tool_shapes_stay_raw() {
    let block: ContentBlock = serde_json::from_value(json!({
        "type": "code_execution_tool_result", "tool_use_id": "t",
        "content": {"type": "brand_new_result", "x": 1}
    }))
    .unwrap();
    let ContentBlock::CodeExecutionToolResult(b) = &block else {
        panic!("{block:?}")
    };
    assert_eq!(
        b.content,
        CodeExecutionToolResultContent::Other(json!({"type": "brand_new_result", "x": 1}))
    );
    let error: ServerToolResultError =
        serde_json::from_value(json!({"error_code": "brand_new_code"})).unwrap();
    assert_eq!(
        error.error_code,
        ServerToolErrorCode::Other("brand_new_code".into())
    );
    let raw = json!({"type": "web_search_tool_result", "tool_use_id": "t", "content": {"type": "new_error"}});
    let block: ContentBlock = serde_json::from_value(raw.clone()).unwrap();
    assert!(matches!(&block, ContentBlock::WebSearchToolResult(b)
        if b.content == WebSearchToolResultContent::Error(WebSearchToolResultError::Other(json!({"type": "new_error"})))));
    assert_eq!(serde_json::to_value(&block).unwrap(), raw);
}

/// Serializes `tool`, checks it against `expected`, and decodes `expected` back into the same
/// typed tool.
fn check_tool(tool: impl Into<ToolParam>, expected: Value) {
    let tool = tool.into();
    assert_eq!(serde_json::to_value(&tool).unwrap(), expected);
    let back: ToolParam = serde_json::from_value(expected).unwrap();
    assert_eq!(back, tool);
    assert!(!matches!(back, ToolParam::Other(_)));
}

#[test]
fn web_search_tool_definitions() {
    check_tool(
        WebSearchTool::new(WebSearchToolVersion::V20250305)
            .max_uses(5)
            .allowed_domains(["example.com", "docs.example.com"])
            .user_location(UserLocation {
                city: Some("San Francisco".into()),
                region: Some("California".into()),
                country: Some("US".into()),
                timezone: Some("America/Los_Angeles".into()),
                ..UserLocation::default()
            }),
        json!({"type": "web_search_20250305", "name": "web_search", "max_uses": 5,
               "allowed_domains": ["example.com", "docs.example.com"],
               "user_location": {"type": "approximate", "city": "San Francisco", "region": "California",
                                 "country": "US", "timezone": "America/Los_Angeles"}}),
    );
    check_tool(
        WebSearchTool::new("web_search_20260318")
            .blocked_domains(["bad.example"])
            .response_inclusion("excluded")
            .allowed_callers(["code_execution_20260120"]),
        json!({"type": "web_search_20260318", "name": "web_search", "blocked_domains": ["bad.example"],
               "response_inclusion": "excluded", "allowed_callers": ["code_execution_20260120"]}),
    );
    check_tool(
        WebSearchTool::new(WebSearchToolVersion::V20260209).defer_loading(true),
        json!({"type": "web_search_20260209", "name": "web_search", "defer_loading": true}),
    );
}

#[test]
fn web_fetch_tool_definitions() {
    check_tool(
        WebFetchTool::new(WebFetchToolVersion::V20250910)
            .max_uses(10)
            .citations(true)
            .max_content_tokens(100_000),
        json!({"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 10,
               "citations": {"enabled": true}, "max_content_tokens": 100000}),
    );
    check_tool(
        WebFetchTool::new(WebFetchToolVersion::V20260309).use_cache(false),
        json!({"type": "web_fetch_20260309", "name": "web_fetch", "use_cache": false}),
    );
    check_tool(
        WebFetchTool::new(WebFetchToolVersion::V20260318)
            .response_inclusion(ResponseInclusion::Full),
        json!({"type": "web_fetch_20260318", "name": "web_fetch", "response_inclusion": "full"}),
    );
    check_tool(
        WebFetchTool::new(WebFetchToolVersion::V20260209).allowed_domains(["a.example"]),
        json!({"type": "web_fetch_20260209", "name": "web_fetch", "allowed_domains": ["a.example"]}),
    );
}

#[test]
fn code_execution_tool_definitions() {
    for (version, wire) in [
        (
            CodeExecutionToolVersion::V20250522,
            "code_execution_20250522",
        ),
        (
            CodeExecutionToolVersion::V20250825,
            "code_execution_20250825",
        ),
        (
            CodeExecutionToolVersion::V20260120,
            "code_execution_20260120",
        ),
        (
            CodeExecutionToolVersion::V20260521,
            "code_execution_20260521",
        ),
    ] {
        check_tool(
            CodeExecutionTool::new(version),
            json!({"type": wire, "name": "code_execution"}),
        );
    }
    check_tool(
        CodeExecutionTool::new(CodeExecutionToolVersion::V20250825)
            .cache_control(CacheControl::ephemeral()),
        json!({"type": "code_execution_20250825", "name": "code_execution", "cache_control": {"type": "ephemeral"}}),
    );
}

#[test]
fn bash_tool_definition() {
    check_tool(
        BashTool::new(BashToolVersion::V20250124).input_examples([json!({"command": "ls"})]),
        json!({"type": "bash_20250124", "name": "bash", "input_examples": [{"command": "ls"}]}),
    );
}

#[test]
fn text_editor_tool_definitions() {
    check_tool(
        TextEditorTool::new(TextEditorToolVersion::V20250124),
        json!({"type": "text_editor_20250124", "name": "str_replace_editor"}),
    );
    check_tool(
        TextEditorTool::new(TextEditorToolVersion::V20250429),
        json!({"type": "text_editor_20250429", "name": "str_replace_based_edit_tool"}),
    );
    check_tool(
        TextEditorTool::new(TextEditorToolVersion::V20250728).max_characters(10_000),
        json!({"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 10000}),
    );
}

#[test]
fn memory_tool_definition() {
    check_tool(
        MemoryTool::new(MemoryToolVersion::V20250818).strict(true),
        json!({"type": "memory_20250818", "name": "memory", "strict": true}),
    );
}

#[test]
fn tool_search_tool_definitions() {
    for (version, name) in [
        (
            ToolSearchToolVersion::Bm25V20251119,
            "tool_search_tool_bm25",
        ),
        (ToolSearchToolVersion::Bm25, "tool_search_tool_bm25"),
        (
            ToolSearchToolVersion::RegexV20251119,
            "tool_search_tool_regex",
        ),
        (ToolSearchToolVersion::Regex, "tool_search_tool_regex"),
    ] {
        let wire = version.as_str().to_owned();
        check_tool(
            ToolSearchTool::new(version),
            json!({"type": wire, "name": name}),
        );
    }
}

#[test]
fn unknown_tool_versions_and_custom_tools_are_kept() {
    let raw = json!({"type": "web_search_20990101", "name": "web_search", "new_knob": 1});
    let tool: ToolParam = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(tool, ToolParam::Other(raw));
    let custom: ToolParam =
        serde_json::from_value(json!({"name": "f", "input_schema": {"type": "object"}})).unwrap();
    assert!(matches!(custom, ToolParam::Custom(ref t) if t.name == "f"));
    let err = serde_json::from_value::<ToolParam>(
        json!({"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": "x"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid `web_fetch_20250910` tool"),
        "{err}"
    );
}

#[test]
fn request_top_level_fields_serialize_as_the_api_expects() {
    let params = MessageCreateParams::new(
        "claude-opus-4-8",
        1024,
        vec![MessageParam::user("Make slides")],
    )
    .inference_geo("us")
    .cache_control(CacheControl::ephemeral())
    .container(ContainerParam::skills([
        ContainerSkill::new(ContainerSkillType::Anthropic, "pptx").version("latest"),
        ContainerSkill::new("custom", "skill_01AbC"),
    ]))
    .context_management(ContextManagement::new([
        ClearToolUsesEdit {
            trigger: Some(json!({"type": "input_tokens", "value": 30000})),
            keep: Some(json!({"type": "tool_uses", "value": 3})),
            ..ClearToolUsesEdit::default()
        }
        .into(),
        ClearThinkingEdit {
            keep: Some(json!("all")),
            ..ClearThinkingEdit::default()
        }
        .into(),
        CompactEdit {
            pause_after_compaction: Some(true),
            ..CompactEdit::default()
        }
        .into(),
    ]))
    .tool(CodeExecutionTool::new(CodeExecutionToolVersion::V20250825));
    let expected = json!({
        "model": "claude-opus-4-8", "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Make slides"}],
        "inference_geo": "us",
        "cache_control": {"type": "ephemeral"},
        "container": {"skills": [
            {"type": "anthropic", "skill_id": "pptx", "version": "latest"},
            {"type": "custom", "skill_id": "skill_01AbC"}
        ]},
        "context_management": {"edits": [
            {"type": "clear_tool_uses_20250919", "trigger": {"type": "input_tokens", "value": 30000},
             "keep": {"type": "tool_uses", "value": 3}},
            {"type": "clear_thinking_20251015", "keep": "all"},
            {"type": "compact_20260112", "pause_after_compaction": true}
        ]},
        "tools": [{"type": "code_execution_20250825", "name": "code_execution"}]
    });
    assert_eq!(serde_json::to_value(&params).unwrap(), expected);

    // Read back from JSON, `inference_geo` and `container` land in their fields, not `extra`,
    // so the key is sent once.
    let back: MessageCreateParams = serde_json::from_value(expected.clone()).unwrap();
    assert!(back.extra.is_empty(), "{:?}", back.extra.keys());
    assert_eq!(back.inference_geo.as_deref(), Some("us"));
    assert_eq!(back, params);
    let by_id = MessageCreateParams::new("m", 1, vec![]).container("container_01");
    assert_eq!(
        serde_json::to_value(&by_id).unwrap()["container"],
        "container_01"
    );
    let body = serde_json::to_string(&back).unwrap();
    assert_eq!(body.matches("\"inference_geo\"").count(), 1);
}

#[test]
fn search_result_and_container_upload_request_blocks() {
    let blocks = vec![
        ContentBlockParam::from(
            SearchResultBlockParam::new("https://kb.example/1", "KB 1", ["First.", "Second."])
                .citations(true)
                .cache_control(CacheControl::ephemeral()),
        ),
        ContainerUploadBlock::new("file_01").into(),
    ];
    let expected = json!([
        {"type": "search_result", "source": "https://kb.example/1", "title": "KB 1",
         "content": [{"type": "text", "text": "First."}, {"type": "text", "text": "Second."}],
         "citations": {"enabled": true}, "cache_control": {"type": "ephemeral"}},
        {"type": "container_upload", "file_id": "file_01"}
    ]);
    assert_eq!(serde_json::to_value(&blocks).unwrap(), expected);
    let back: Vec<ContentBlockParam> = serde_json::from_value(expected).unwrap();
    assert_eq!(back, blocks);
}
