//! Tools: a request's `tools` and `tool_choice`, and the calls the answer
//! makes (which tools, how many, with which inputs).

use serde_json::{Map, Value};

use super::conversation::Conversation;
use super::schema_instance::instance_variant;
use crate::error::ApiError;
use crate::scenario::AnswerScript;

/// Tool calls a `tool-calls=N` scenario may ask for in one answer.
pub(crate) const MAX_TOOL_CALLS: usize = 100;

/// One tool of `tools`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tool {
    /// `name`.
    pub(crate) name: String,
    /// `input_schema`, if any.
    input_schema: Option<Value>,
    /// A custom (client) tool: no `type`, or `"custom"`. Only these are
    /// called unless a scenario or `tool_choice` names another.
    custom: bool,
}

/// `tool_choice`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Choice {
    /// Absent, or `{"type":"auto"}`: tools are called until their results
    /// come back.
    Auto,
    /// `{"type":"any"}`: a tool is always called.
    Any,
    /// `{"type":"tool","name":..}`: that tool is always called.
    Tool(String),
    /// `{"type":"none"}`: no tool is called.
    None,
}

/// A request's tools and how it lets them be used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolSetup {
    /// `tools`, in order.
    pub(crate) tools: Vec<Tool>,
    /// `tool_choice`.
    pub(crate) choice: Choice,
    /// Not `disable_parallel_tool_use: true`.
    pub(crate) parallel: bool,
}

impl Default for ToolSetup {
    fn default() -> Self {
        ToolSetup {
            tools: Vec::new(),
            choice: Choice::Auto,
            parallel: true,
        }
    }
}

/// One call the answer makes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    /// The tool's name.
    pub(crate) name: String,
    /// A valid instance of its `input_schema` (an object).
    pub(crate) input: Value,
}

/// Reads and validates `tools` and `tool_choice`.
pub(crate) fn parse_tools(obj: &Map<String, Value>) -> Result<ToolSetup, ApiError> {
    let listed: &[Value] = match obj.get("tools") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(tools)) => tools,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "tools: Input should be a valid list",
            ));
        }
    };
    let mut tools = Vec::with_capacity(listed.len());
    for (i, tool) in listed.iter().enumerate() {
        let Some(name) = tool.get("name").and_then(Value::as_str) else {
            return Err(ApiError::invalid_request(format!(
                "tools.{i}.name: Field required"
            )));
        };
        let kind = tool.get("type").and_then(Value::as_str);
        tools.push(Tool {
            name: name.to_owned(),
            input_schema: tool.get("input_schema").cloned(),
            custom: matches!(kind, None | Some("custom")),
        });
    }
    let mut setup = ToolSetup {
        tools,
        ..ToolSetup::default()
    };
    let choice = match obj.get("tool_choice") {
        None | Some(Value::Null) => return Ok(setup),
        Some(Value::Object(choice)) => choice,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "tool_choice: Input should be an object",
            ));
        }
    };
    setup.parallel = choice
        .get("disable_parallel_tool_use")
        .and_then(Value::as_bool)
        != Some(true);
    setup.choice = match choice.get("type").and_then(Value::as_str) {
        Some("any") if setup.tools.is_empty() => {
            return Err(ApiError::invalid_request(
                "tool_choice: 'any' requires at least one tool in tools",
            ));
        }
        Some("any") => Choice::Any,
        Some("tool") => {
            let Some(name) = choice.get("name").and_then(Value::as_str) else {
                return Err(ApiError::invalid_request(
                    "tool_choice.name: Field required",
                ));
            };
            if setup.find(name).is_none() {
                return Err(ApiError::invalid_request(format!(
                    "tool_choice.name: tool '{name}' is not in tools"
                )));
            }
            Choice::Tool(name.to_owned())
        }
        Some("none") => Choice::None,
        // `auto`, and types this emulator does not know.
        _ => Choice::Auto,
    };
    Ok(setup)
}

impl ToolSetup {
    fn find(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// The calls the answer makes, none for a text answer:
    ///
    /// * `tool_choice` `none`: none; `any` and `tool`: always some; `auto`:
    ///   some unless the last user turn brings tool results and the
    ///   conversation already holds `tool-rounds` (default 1) assistant
    ///   turns with calls;
    /// * which: the scenario's `tool-use` names, else the `tool_choice`
    ///   tool, else the custom tools in order (cycling), `tool-calls`
    ///   (default 1) of them; with `disable_parallel_tool_use`, the first
    ///   only.
    ///
    /// A `tool-use` name that is not in `tools`, or another than the tool
    /// `tool_choice` forces, is a 400.
    pub(crate) fn calls(
        &self,
        script: &AnswerScript,
        conversation: &Conversation,
    ) -> Result<Vec<Call>, ApiError> {
        let forced = match &self.choice {
            Choice::None => return Ok(Vec::new()),
            // Results count as a round even without the call they answer.
            Choice::Auto
                if !conversation.tool_results.is_empty()
                    && conversation.tool_rounds.max(1) >= script.tool_rounds.unwrap_or(1) =>
            {
                return Ok(Vec::new());
            }
            Choice::Auto | Choice::Any => None,
            Choice::Tool(name) => Some(name.as_str()),
        };
        let mut tools: Vec<&Tool> = match &script.tool_use {
            Some(names) => {
                let mut tools = Vec::with_capacity(names.len());
                for name in names {
                    let tool = self.find(name).ok_or_else(|| {
                        let offered: Vec<&str> =
                            self.tools.iter().map(|t| t.name.as_str()).collect();
                        ApiError::invalid_request(format!(
                            "emulator scenario: tool-use names `{name}`, which is not in tools \
                             ({})",
                            offered.join(", ")
                        ))
                    })?;
                    if let Some(forced) = forced.filter(|f| *f != name) {
                        return Err(ApiError::invalid_request(format!(
                            "emulator scenario: tool-use names `{name}`, but tool_choice forces \
                             `{forced}`"
                        )));
                    }
                    tools.push(tool);
                }
                tools
            }
            None => {
                let pool: Vec<&Tool> = match forced {
                    Some(name) => self.find(name).into_iter().collect(),
                    None => self.tools.iter().filter(|t| t.custom).collect(),
                };
                let count = script.tool_calls.unwrap_or(1).min(MAX_TOOL_CALLS);
                pool.iter().copied().cycle().take(count).collect()
            }
        };
        if !self.parallel {
            tools.truncate(1);
        }
        Ok(tools
            .into_iter()
            .enumerate()
            .map(|(i, tool)| Call {
                name: tool.name.clone(),
                input: tool_input(tool.input_schema.as_ref(), i),
            })
            .collect())
    }
}

/// The input of the `n`-th call (from 0) of an answer: a valid instance of
/// the tool's `input_schema` (calls of one tool differ), `{}` when that is
/// not an object.
fn tool_input(schema: Option<&Value>, n: usize) -> Value {
    let input = schema
        .map(|s| instance_variant(s, u64::try_from(n).unwrap_or_default()))
        .unwrap_or_default();
    if input.is_object() {
        input
    } else {
        Value::Object(Map::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn setup(extra: Value) -> Result<ToolSetup, ApiError> {
        let mut body = json!({"tools": [
            {"name": "a", "input_schema": {"type": "object",
             "properties": {"q": {"type": "string"}}, "required": ["q"]}},
            {"type": "web_search_20250305", "name": "search"},
            {"name": "b", "type": "custom", "input_schema": {"type": "object"}},
        ]});
        if let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), extra) {
            obj.extend(extra);
        }
        parse_tools(body.as_object().unwrap_or(&Map::new()))
    }

    fn names(extra: Value, script: &AnswerScript, conversation: &Conversation) -> Vec<String> {
        let calls = setup(extra).and_then(|s| s.calls(script, conversation));
        match calls {
            Ok(calls) => calls.into_iter().map(|c| c.name).collect(),
            Err(e) => vec![format!("{}: {}", e.status, e.message)],
        }
    }

    #[test]
    fn tool_choice_and_the_script_choose_the_calls() {
        let none = AnswerScript::default();
        let fresh = Conversation::default();
        assert_eq!(names(json!({}), &none, &fresh), ["a"]);
        assert_eq!(
            names(json!({"tool_choice": {"type": "auto"}}), &none, &fresh),
            ["a"]
        );
        assert_eq!(
            names(json!({"tool_choice": {"type": "none"}}), &none, &fresh),
            [""; 0]
        );
        assert_eq!(
            names(
                json!({"tool_choice": {"type": "tool", "name": "search"}}),
                &none,
                &fresh
            ),
            ["search"]
        );
        let three = AnswerScript {
            tool_calls: Some(3),
            ..AnswerScript::default()
        };
        // Server tools are skipped; the custom ones cycle.
        assert_eq!(names(json!({}), &three, &fresh), ["a", "b", "a"]);
        assert_eq!(
            names(
                json!({"tool_choice": {"type": "any", "disable_parallel_tool_use": true}}),
                &three,
                &fresh
            ),
            ["a"]
        );
        let chosen = AnswerScript {
            tool_use: Some(vec!["b".to_owned(), "search".to_owned(), "b".to_owned()]),
            ..AnswerScript::default()
        };
        assert_eq!(names(json!({}), &chosen, &fresh), ["b", "search", "b"]);
        let unknown = AnswerScript {
            tool_use: Some(vec!["zzz".to_owned()]),
            ..AnswerScript::default()
        };
        let error = names(json!({}), &unknown, &fresh).join("");
        assert!(
            error.starts_with("400: emulator scenario: tool-use names `zzz`"),
            "{error}"
        );
        assert!(error.contains("(a, search, b)"), "{error}");
        let conflict = names(
            json!({"tool_choice": {"type": "tool", "name": "a"}}),
            &chosen,
            &fresh,
        );
        assert!(
            conflict.join("").contains("tool_choice forces `a`"),
            "{conflict:?}"
        );

        // After results: auto answers in text, unless more rounds are scripted;
        // any and tool keep calling.
        let answered = Conversation {
            tool_results: vec![super::super::conversation::ToolResult {
                tool_use_id: "toolu_1".to_owned(),
                name: Some("a".to_owned()),
                text: "x".to_owned(),
                is_error: false,
            }],
            tool_uses: 1,
            tool_rounds: 1,
            ..Conversation::default()
        };
        assert_eq!(names(json!({}), &none, &answered), [""; 0]);
        let rounds = AnswerScript {
            tool_rounds: Some(2),
            ..AnswerScript::default()
        };
        assert_eq!(names(json!({}), &rounds, &answered), ["a"]);
        assert_eq!(
            names(json!({"tool_choice": {"type": "any"}}), &none, &answered),
            ["a"]
        );
        // No custom tool: nothing to call.
        let only_server = json!({"tools": [{"type": "web_search_20250305", "name": "search"}]});
        assert_eq!(names(only_server, &none, &fresh), [""; 0]);
    }

    #[test]
    fn inputs_are_valid_and_calls_of_one_tool_differ() {
        let script = AnswerScript {
            tool_use: Some(vec!["a".to_owned(), "a".to_owned(), "b".to_owned()]),
            ..AnswerScript::default()
        };
        let calls = setup(json!({})).and_then(|s| s.calls(&script, &Conversation::default()));
        let inputs: Vec<Value> = calls.into_iter().flatten().map(|c| c.input).collect();
        assert_eq!(
            inputs,
            [
                json!({"q": "example"}),
                json!({"q": "example-1"}),
                json!({})
            ]
        );
    }

    #[test]
    fn malformed_tools_are_400s() {
        for bad in [
            json!({"tool_choice": {"type": "tool", "name": "zzz"}}),
            json!({"tool_choice": {"type": "tool"}}),
            json!({"tool_choice": {"type": "any"}, "tools": []}),
            json!({"tool_choice": "any"}),
            json!({"tools": {}}),
            json!({"tools": [{"input_schema": {}}]}),
        ] {
            assert_eq!(
                setup(bad.clone()).map_err(|e| e.status).err(),
                Some(400),
                "{bad}"
            );
        }
    }
}
