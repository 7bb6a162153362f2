//! [`Tool`]: a tool definition and the async handler that answers its calls, and
//! [`ToolOutput`], what a handler gives back.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::FutureExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::types::{
    CacheControl, ContentBlockParam, MessageContent, Tool as ToolDefinition, ToolParam,
    ToolResultBlockParam,
};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A handler erased to one shape: the raw input in, the output or why it failed out.
type Handler = Arc<dyn Fn(Value) -> BoxFuture<Result<ToolOutput, Failure>> + Send + Sync>;

/// Why a handler gave no output.
enum Failure {
    /// The input did not deserialize into the tool's input type.
    Input(serde_json::Error),
    /// The handler's error, as text.
    Tool(String),
}

/// A client tool the [`ToolRunner`](super::ToolRunner) can run: the definition sent in
/// `tools` (name, description, input schema) and the async handler that answers each
/// `tool_use` of it.
///
/// [`Tool::new`] takes a typed handler: the input schema comes from the input type
/// (`schemars`), and the model's input is deserialized into it before the handler runs.
/// [`Tool::from_json_schema`] takes a raw JSON schema and a [`serde_json::Value`] handler, for
/// tools loaded at run time.
///
/// A handler returns `Ok` with anything that converts [`Into<ToolOutput>`] (a `String`, a
/// `&str`, content blocks, a JSON value, or a [`ToolOutput`] marked as an error), or `Err`
/// with any [`Display`](fmt::Display) error. The runner turns an error, an input that does
/// not deserialize and a panic alike into a `tool_result` with `is_error: true` and the
/// message, for the model to read.
///
/// Cloning is cheap (the handler is shared).
///
/// ```
/// use anthropic_aws::helpers::tools::Tool;
/// use serde::Deserialize;
///
/// /// The city to look up.
/// #[derive(Deserialize, schemars::JsonSchema)]
/// struct WeatherInput {
///     /// A city name, e.g. "Paris".
///     city: String,
/// }
///
/// let tool = Tool::new("get_weather", "Get the current weather in a city", |input: WeatherInput| async move {
///     Ok::<_, std::io::Error>(format!("Sunny in {}", input.city))
/// });
/// assert_eq!(tool.name(), "get_weather");
/// assert_eq!(tool.definition().input_schema["properties"]["city"]["type"], "string");
/// ```
#[derive(Clone)]
pub struct Tool {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    definition: ToolDefinition,
    handler: Handler,
}

impl Tool {
    /// A tool `name` whose input is an `I`, answered by `handler`. The tool's `input_schema`
    /// is `I`'s JSON schema (from [`JsonSchema`]) in the API's subset, as
    /// [`json_schema`](crate::helpers::parse::json_schema) builds it once per type (objects
    /// closed, unsupported keywords moved into descriptions). Make `I` a struct: the API
    /// wants an object schema.
    ///
    /// ```
    /// use anthropic_aws::helpers::tools::Tool;
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Add { a: i64, b: i64 }
    ///
    /// let add = Tool::new("add", "Add two integers", |input: Add| async move {
    ///     Ok::<_, String>((input.a + input.b).to_string())
    /// });
    /// assert_eq!(add.definition().description.as_deref(), Some("Add two integers"));
    /// ```
    pub fn new<I, F, Fut, O, E>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        I: JsonSchema + DeserializeOwned + Send + 'static,
        F: Fn(I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
        O: Into<ToolOutput>,
        E: fmt::Display,
    {
        let name = name.into();
        // Built once per type and shared with structured outputs.
        let schema = Value::clone(&crate::helpers::parse::json_schema::<I>());
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |input: Value| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let input: I = serde_json::from_value(input).map_err(Failure::Input)?;
                handler(input)
                    .await
                    .map(Into::into)
                    .map_err(|e| Failure::Tool(e.to_string()))
            })
        });
        Self::with_handler(name, description.into(), schema, erased)
    }

    /// A tool `name` whose input is described by the JSON schema `input_schema` (sent as it
    /// is), answered by `handler` with the model's input as a [`serde_json::Value`]: for tools
    /// the app loads at run time.
    ///
    /// ```
    /// use anthropic_aws::helpers::tools::Tool;
    /// use serde_json::{Value, json};
    ///
    /// let schema = json!({
    ///     "type": "object",
    ///     "properties": {"query": {"type": "string"}},
    ///     "required": ["query"]
    /// });
    /// let search = Tool::from_json_schema("search", "Search the docs", schema, |input: Value| async move {
    ///     let query = input["query"].as_str().ok_or("`query` must be a string")?;
    ///     Ok::<_, &str>(format!("3 pages mention {query}"))
    /// });
    /// assert_eq!(search.definition().input_schema["required"][0], "query");
    /// ```
    pub fn from_json_schema<F, Fut, O, E>(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
        handler: F,
    ) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
        O: Into<ToolOutput>,
        E: fmt::Display,
    {
        let handler = Arc::new(handler);
        let erased: Handler = Arc::new(move |input: Value| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                handler(input)
                    .await
                    .map(Into::into)
                    .map_err(|e| Failure::Tool(e.to_string()))
            })
        });
        Self::with_handler(name.into(), description.into(), input_schema, erased)
    }

    fn with_handler(name: String, description: String, schema: Value, handler: Handler) -> Self {
        Self {
            inner: Arc::new(Inner {
                definition: ToolDefinition::new(name, schema).description(description),
                handler,
            }),
        }
    }

    /// Sets `strict` on the definition: the model's input must validate against the schema
    /// exactly.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::Tool;
    /// # use serde_json::{Value, json};
    /// let tool = Tool::from_json_schema("ping", "Ping", json!({"type": "object"}), |_: Value| async {
    ///     Ok::<_, String>("pong")
    /// })
    /// .strict(true);
    /// assert_eq!(tool.definition().strict, Some(true));
    /// ```
    #[must_use]
    pub fn strict(self, strict: bool) -> Self {
        self.with_definition(|d| d.strict = Some(strict))
    }

    /// Sets a prompt-cache breakpoint on the definition.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::Tool;
    /// # use anthropic_aws::types::CacheControl;
    /// # use serde_json::{Value, json};
    /// let tool = Tool::from_json_schema("ping", "Ping", json!({"type": "object"}), |_: Value| async {
    ///     Ok::<_, String>("pong")
    /// })
    /// .cache_control(CacheControl::ephemeral());
    /// assert!(tool.definition().cache_control.is_some());
    /// ```
    #[must_use]
    pub fn cache_control(self, cache_control: CacheControl) -> Self {
        self.with_definition(|d| d.cache_control = Some(cache_control))
    }

    /// Changes the definition (of this tool only: a clone made before keeps its own).
    fn with_definition(self, change: impl FnOnce(&mut ToolDefinition)) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        change(&mut inner.definition);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The tool's name, as the model calls it.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::Tool;
    /// # use serde_json::{Value, json};
    /// let tool = Tool::from_json_schema("ping", "Ping", json!({"type": "object"}), |_: Value| async {
    ///     Ok::<_, String>("pong")
    /// });
    /// assert_eq!(tool.name(), "ping");
    /// ```
    pub fn name(&self) -> &str {
        &self.inner.definition.name
    }

    /// The definition sent in `tools`.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::Tool;
    /// # use serde_json::{Value, json};
    /// let tool = Tool::from_json_schema("ping", "Ping", json!({"type": "object"}), |_: Value| async {
    ///     Ok::<_, String>("pong")
    /// });
    /// assert_eq!(
    ///     serde_json::to_value(tool.definition()).unwrap(),
    ///     json!({"name": "ping", "description": "Ping", "input_schema": {"type": "object"}})
    /// );
    /// ```
    pub fn definition(&self) -> &ToolDefinition {
        &self.inner.definition
    }

    /// The definition as an entry of `tools` ([`ToolParam::Custom`]).
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::Tool;
    /// # use anthropic_aws::types::ToolParam;
    /// # use serde_json::{Value, json};
    /// let tool = Tool::from_json_schema("ping", "Ping", json!({"type": "object"}), |_: Value| async {
    ///     Ok::<_, String>("pong")
    /// });
    /// assert_eq!(tool.param().name(), Some("ping"));
    /// ```
    pub fn param(&self) -> ToolParam {
        ToolParam::Custom(self.inner.definition.clone())
    }

    /// Runs the handler on `input`, as the runner does: an input that does not deserialize,
    /// an error and a panic all come back as a [`ToolOutput`] marked as an error, with the
    /// message.
    ///
    /// ```
    /// # async fn run() {
    /// use anthropic_aws::helpers::tools::Tool;
    /// use serde_json::json;
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Add { a: i64, b: i64 }
    /// let add = Tool::new("add", "Add", |i: Add| async move { Ok::<_, String>((i.a + i.b).to_string()) });
    ///
    /// let sum = add.call(json!({"a": 2, "b": 3})).await;
    /// assert!(!sum.is_error());
    /// let bad = add.call(json!({"a": "two"})).await;
    /// assert!(bad.is_error());
    /// # }
    /// ```
    pub fn call(&self, input: Value) -> impl Future<Output = ToolOutput> + Send + 'static {
        let inner = Arc::clone(&self.inner);
        let running = AssertUnwindSafe((self.inner.handler)(input)).catch_unwind();
        async move {
            let name = &inner.definition.name;
            match running.await {
                Ok(Ok(output)) => output,
                Ok(Err(failure)) => {
                    let message = match failure {
                        Failure::Input(e) => format!("invalid input for tool `{name}`: {e}"),
                        Failure::Tool(message) => message,
                    };
                    tracing::debug!(tool = %name, %message, "the tool failed");
                    ToolOutput::error(message)
                }
                Err(panic) => {
                    let why = panic
                        .downcast_ref::<&str>()
                        .copied()
                        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                        .unwrap_or("no message");
                    tracing::warn!(tool = %name, panic = why, "the tool panicked");
                    ToolOutput::error(format!("tool `{name}` panicked: {why}"))
                }
            }
        }
    }
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("definition", &self.inner.definition)
            .finish_non_exhaustive()
    }
}

/// What a tool call gives back: the `content` of its `tool_result` (text, or content blocks
/// as `tool_result` allows: text, image, document, search result), and whether it is an
/// error.
///
/// A handler usually returns a `String` (or `&str`, blocks, a JSON value) and lets the
/// conversions build this; it returns a [`ToolOutput::error`] to answer with structured error
/// content.
///
/// ```
/// use anthropic_aws::helpers::tools::ToolOutput;
/// use anthropic_aws::types::ContentBlockParam;
/// use serde_json::json;
///
/// let text: ToolOutput = "18 °C".into();
/// assert!(!text.is_error());
/// let json: ToolOutput = json!({"celsius": 18}).into();
/// assert_eq!(serde_json::to_value(json.content()).unwrap(), json!(r#"{"celsius":18}"#));
/// let failed = ToolOutput::error(vec![ContentBlockParam::text("the sensor is offline")]);
/// assert!(failed.is_error());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    content: MessageContent,
    is_error: bool,
}

impl ToolOutput {
    /// A successful result with `content`.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::ToolOutput;
    /// assert!(!ToolOutput::new("done").is_error());
    /// ```
    pub fn new(content: impl Into<MessageContent>) -> Self {
        Self {
            content: content.into(),
            is_error: false,
        }
    }

    /// A failed result with `content` (sent with `is_error: true`).
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::ToolOutput;
    /// assert!(ToolOutput::error("no such city").is_error());
    /// ```
    pub fn error(content: impl Into<MessageContent>) -> Self {
        Self {
            content: content.into(),
            is_error: true,
        }
    }

    /// The content.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::ToolOutput;
    /// # use anthropic_aws::types::MessageContent;
    /// assert_eq!(ToolOutput::new("done").content(), &MessageContent::from("done"));
    /// ```
    pub fn content(&self) -> &MessageContent {
        &self.content
    }

    /// Whether the call failed.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::ToolOutput;
    /// assert!(!ToolOutput::new("done").is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        self.is_error
    }

    /// The `tool_result` block answering the `tool_use` `tool_use_id`.
    ///
    /// ```
    /// # use anthropic_aws::helpers::tools::ToolOutput;
    /// use serde_json::json;
    /// let block = ToolOutput::error("no such city").into_result("toolu_01");
    /// assert_eq!(
    ///     serde_json::to_value(&block).unwrap(),
    ///     json!({"tool_use_id": "toolu_01", "content": "no such city", "is_error": true})
    /// );
    /// ```
    pub fn into_result(self, tool_use_id: impl Into<String>) -> ToolResultBlockParam {
        let block = ToolResultBlockParam::new(tool_use_id).content(self.content);
        if self.is_error {
            block.is_error(true)
        } else {
            block
        }
    }
}

impl From<String> for ToolOutput {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&str> for ToolOutput {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<MessageContent> for ToolOutput {
    fn from(content: MessageContent) -> Self {
        Self::new(content)
    }
}

impl From<Vec<ContentBlockParam>> for ToolOutput {
    fn from(blocks: Vec<ContentBlockParam>) -> Self {
        Self::new(blocks)
    }
}

/// A JSON string becomes its text; any other value, its JSON text.
impl From<Value> for ToolOutput {
    fn from(value: Value) -> Self {
        match value {
            Value::String(text) => Self::new(text),
            other => Self::new(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, JsonSchema)]
    struct Input {
        n: i64,
    }

    fn tool() -> Tool {
        Tool::new("t", "test", |input: Input| async move {
            if input.n < 0 {
                return Err("negative");
            }
            if input.n == 0 {
                panic!("zero");
            }
            Ok(input.n.to_string())
        })
    }

    #[tokio::test]
    async fn errors_bad_input_and_panics_become_error_outputs() {
        let tool = tool();
        assert_eq!(tool.call(json!({"n": 2})).await, ToolOutput::new("2"));
        assert_eq!(
            tool.call(json!({"n": -1})).await,
            ToolOutput::error("negative")
        );
        let bad = tool.call(json!({"n": "x"})).await;
        assert!(bad.is_error());
        assert!(
            matches!(bad.content(), MessageContent::Text(t) if t.starts_with("invalid input for tool `t`")),
            "{bad:?}"
        );
        assert_eq!(
            tool.call(json!({"n": 0})).await,
            ToolOutput::error("tool `t` panicked: zero")
        );
    }

    #[tokio::test]
    async fn a_panic_before_the_handler_s_future_exists_is_caught_too() {
        let eager = Tool::new("eager", "panics when called", |input: Input| {
            assert!(input.n != 0, "called with zero");
            async move { Ok::<_, String>(input.n.to_string()) }
        });
        assert_eq!(eager.call(json!({"n": 1})).await, ToolOutput::new("1"));
        assert_eq!(
            eager.call(json!({"n": 0})).await,
            ToolOutput::error("tool `eager` panicked: called with zero")
        );
    }
}
