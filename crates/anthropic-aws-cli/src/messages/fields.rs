//! Every top-level field of the Messages and Token Counting request bodies (API 2026-10-21),
//! as the flag the `ant` CLI names it: the field in kebab-case, an array field singular and
//! repeatable (`stop_sequences` → `--stop-sequence`), and a member of an object field after a
//! dot (`--metadata.user-id` sets `metadata.user_id`).

use super::checks;
use super::values::Kind;

/// Which commands take a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// `messages create` only.
    Create,
    /// `messages create` and `messages count-tokens`.
    Both,
}

/// One request-body flag.
#[derive(Debug)]
pub struct BodyFlag {
    /// The flag without its dashes, e.g. `metadata.user-id`.
    pub name: &'static str,
    /// The top-level body field it sets, e.g. `metadata`.
    pub field: &'static str,
    /// For a dotted flag, the member of `field` it sets, e.g. `user_id`.
    pub member: Option<&'static str>,
    /// What the value is, and how it is read and checked.
    pub kind: Kind,
    /// `field` is an array: each use of the flag appends an item (a dotted flag sets a member
    /// of the last item, or starts a new one when the last already has it).
    pub repeated: bool,
    /// The placeholder in `--help`.
    pub value_name: &'static str,
    /// The one-line description in `--help`.
    pub help: &'static str,
    /// Which commands take it.
    pub on: On,
    /// The value is a credential: never repeated in an error message.
    pub secret: bool,
}

impl BodyFlag {
    /// Whether the command `create` (or count-tokens, when false) takes this flag.
    pub fn taken_by(&self, create: bool) -> bool {
        create || self.on == On::Both
    }
}

/// A flag setting the whole of `field`.
const fn field(
    name: &'static str,
    field: &'static str,
    kind: Kind,
    value_name: &'static str,
    help: &'static str,
    on: On,
) -> BodyFlag {
    BodyFlag {
        name,
        field,
        member: None,
        kind,
        repeated: false,
        value_name,
        help,
        on,
        secret: false,
    }
}

/// A flag appending one item to the array `field`.
const fn item(
    name: &'static str,
    field: &'static str,
    kind: Kind,
    value_name: &'static str,
    help: &'static str,
    on: On,
) -> BodyFlag {
    BodyFlag {
        repeated: true,
        ..self::field(name, field, kind, value_name, help, on)
    }
}

/// A dotted flag setting `member` of the object `field` (of its last item when `repeated`).
const fn member(
    outer: &BodyFlag,
    name: &'static str,
    member: &'static str,
    kind: Kind,
    value_name: &'static str,
    help: &'static str,
) -> BodyFlag {
    BodyFlag {
        name,
        field: outer.field,
        member: Some(member),
        kind,
        repeated: outer.repeated,
        value_name,
        help,
        on: outer.on,
        secret: false,
    }
}

const MESSAGE: BodyFlag = item(
    "message",
    "messages",
    Kind::Turn,
    "MSG",
    "A turn: '{role: user, content: \"Hello, Claude\"}', JSON, or @path (repeat, in order)",
    On::Both,
);
const CACHE_CONTROL: BodyFlag = field(
    "cache-control",
    "cache_control",
    Kind::Mapping(checks::cache_control),
    "CC",
    "Prompt caching for the whole request: '{type: ephemeral, ttl: 1h}'",
    On::Both,
);
const CONTEXT_MANAGEMENT: BodyFlag = field(
    "context-management",
    "context_management",
    Kind::Mapping(checks::context_management),
    "CM",
    "Context editing: '{edits: [{type: clear_tool_uses_20250919}]}'",
    On::Both,
);
const MCP_SERVER: BodyFlag = item(
    "mcp-server",
    "mcp_servers",
    Kind::Mapping(checks::mcp_server),
    "SERVER",
    "An MCP server: '{type: url, url: \"https://…\", name: docs}' (repeatable)",
    On::Both,
);
const METADATA: BodyFlag = field(
    "metadata",
    "metadata",
    Kind::Mapping(checks::metadata),
    "META",
    "Request metadata: '{user_id: 13803d75-b4b5-4c3e-b2a2-6f21399b021b}'",
    On::Create,
);
const OUTPUT_CONFIG: BodyFlag = field(
    "output-config",
    "output_config",
    Kind::Mapping(checks::output_config),
    "OC",
    "Output options: '{effort: low, format: {type: json_schema, schema: {…}}}'",
    On::Both,
);

/// Every request-body flag, in the order `--help` lists them: what every request needs, then
/// the rest by name, each object's dotted flags after it.
pub static BODY_FLAGS: &[BodyFlag] = &[
    field(
        "model",
        "model",
        Kind::Text,
        "M",
        "Model ID, e.g. claude-opus-4-8",
        On::Both,
    ),
    field(
        "max-tokens",
        "max_tokens",
        Kind::Count {
            max: u32::MAX as u64,
        },
        "N",
        "Most tokens to generate before stopping",
        On::Create,
    ),
    MESSAGE,
    member(
        &MESSAGE,
        "message.role",
        "role",
        Kind::Choice(&["user", "assistant"]),
        "ROLE",
        "The role of a turn given in parts: user or assistant",
    ),
    member(
        &MESSAGE,
        "message.content",
        "content",
        Kind::TextOrBlocks,
        "CONTENT",
        "The content of that turn: text, or a list of content blocks",
    ),
    field(
        "system",
        "system",
        Kind::TextOrBlocks,
        "S",
        "System prompt: text, a list of text blocks, or @path to read the text",
        On::Both,
    ),
    field(
        "stream",
        "stream",
        Kind::Switch,
        "",
        "Stream the answer: print its text as it arrives",
        On::Create,
    ),
    CACHE_CONTROL,
    member(
        &CACHE_CONTROL,
        "cache-control.type",
        "type",
        Kind::Choice(&["ephemeral"]),
        "TYPE",
        "The breakpoint's type: ephemeral",
    ),
    member(
        &CACHE_CONTROL,
        "cache-control.ttl",
        "ttl",
        Kind::Choice(&["5m", "1h"]),
        "TTL",
        "How long the cache lives: 5m or 1h",
    ),
    field(
        "container",
        "container",
        Kind::IdOrMapping(checks::container),
        "C",
        "Code execution container: an ID to reuse, or '{skills: [{type: anthropic, skill_id: pptx}]}'",
        On::Create,
    ),
    CONTEXT_MANAGEMENT,
    member(
        &CONTEXT_MANAGEMENT,
        "context-management.edits",
        "edits",
        Kind::List,
        "EDITS",
        "The context edits to apply, as a list",
    ),
    field(
        "inference-geo",
        "inference_geo",
        Kind::Text,
        "GEO",
        "Where inference runs (data residency), e.g. us or global",
        On::Both,
    ),
    MCP_SERVER,
    member(
        &MCP_SERVER,
        "mcp-server.name",
        "name",
        Kind::Text,
        "NAME",
        "The name of an MCP server given in parts",
    ),
    member(
        &MCP_SERVER,
        "mcp-server.type",
        "type",
        Kind::Choice(&["url"]),
        "TYPE",
        "The type of that MCP server: url",
    ),
    member(
        &MCP_SERVER,
        "mcp-server.url",
        "url",
        Kind::Text,
        "URL",
        "Its URL",
    ),
    BodyFlag {
        secret: true,
        ..member(
            &MCP_SERVER,
            "mcp-server.authorization-token",
            "authorization_token",
            Kind::Text,
            "TOKEN",
            "Its OAuth bearer token (never printed)",
        )
    },
    member(
        &MCP_SERVER,
        "mcp-server.tool-configuration",
        "tool_configuration",
        Kind::Mapping(checks::mapping),
        "TC",
        "Which of its tools to allow: '{enabled: true, allowed_tools: [search]}'",
    ),
    METADATA,
    member(
        &METADATA,
        "metadata.user-id",
        "user_id",
        Kind::Text,
        "ID",
        "An opaque ID of the end user (a UUID or a hash, no personal data)",
    ),
    OUTPUT_CONFIG,
    member(
        &OUTPUT_CONFIG,
        "output-config.effort",
        "effort",
        Kind::Choice(checks::EFFORTS),
        "EFFORT",
        "How much effort to spend: low, medium, high, xhigh or max",
    ),
    member(
        &OUTPUT_CONFIG,
        "output-config.format",
        "format",
        Kind::Mapping(checks::output_format),
        "FORMAT",
        "Structured output: '{type: json_schema, schema: {type: object, …}}'",
    ),
    field(
        "service-tier",
        "service_tier",
        Kind::Choice(&["auto", "standard_only"]),
        "TIER",
        "Capacity to use: auto (priority when available) or standard_only",
        On::Create,
    ),
    item(
        "stop-sequence",
        "stop_sequences",
        Kind::Text,
        "TEXT",
        "Text that stops generation when the model writes it (repeatable)",
        On::Create,
    ),
    field(
        "temperature",
        "temperature",
        Kind::Fraction,
        "T",
        "Randomness, from 0 to 1 (sent as given; API 2026-10-21 refuses it)",
        On::Create,
    ),
    field(
        "thinking",
        "thinking",
        Kind::Mapping(checks::thinking),
        "THINKING",
        "Extended thinking: '{type: enabled, budget_tokens: 1024}' or '{type: adaptive}'",
        On::Both,
    ),
    item(
        "tool",
        "tools",
        Kind::Mapping(checks::tool),
        "TOOL",
        "A tool the model may use: '{name: get_weather, input_schema: {type: object}}' (repeatable)",
        On::Both,
    ),
    field(
        "tool-choice",
        "tool_choice",
        Kind::Mapping(checks::tool_choice),
        "CHOICE",
        "How the model uses the tools: '{type: auto}', or any, tool (with a name), none",
        On::Both,
    ),
    field(
        "top-k",
        "top_k",
        Kind::Count {
            max: u32::MAX as u64,
        },
        "K",
        "Sample from the K likeliest tokens only (sent as given; API 2026-10-21 refuses it)",
        On::Create,
    ),
    field(
        "top-p",
        "top_p",
        Kind::Fraction,
        "P",
        "Nucleus sampling, from 0 to 1 (sent as given; API 2026-10-21 refuses it)",
        On::Create,
    ),
];

/// The flags the command takes (`create`, or count-tokens when false), in `--help` order.
pub fn body_flags(create: bool) -> impl Iterator<Item = &'static BodyFlag> {
    BODY_FLAGS.iter().filter(move |flag| flag.taken_by(create))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each flag is its field in kebab-case (an array field singular), a dotted flag its
    /// object's flag, a dot, and its member in kebab-case: the `ant` CLI's naming.
    #[test]
    fn names_follow_the_ant_cli() {
        for flag in BODY_FLAGS {
            let outer = flag.name.split('.').next().unwrap_or_default();
            let field = if flag.repeated {
                match flag.field {
                    "messages" => "message",
                    "mcp_servers" => "mcp_server",
                    "stop_sequences" => "stop_sequence",
                    "tools" => "tool",
                    other => panic!("unexpected array field {other}"),
                }
            } else {
                flag.field
            };
            assert_eq!(outer, field.replace('_', "-"), "{}", flag.name);
            if let Some(member) = flag.member {
                assert_eq!(
                    flag.name,
                    format!("{outer}.{}", member.replace('_', "-")),
                    "{}",
                    flag.name
                );
            }
        }
    }

    #[test]
    fn count_tokens_takes_only_what_counts_as_input() {
        let names: Vec<_> = body_flags(false).map(|f| f.name).collect();
        for name in [
            "model",
            "message",
            "system",
            "tool",
            "tool-choice",
            "thinking",
        ] {
            assert!(names.contains(&name), "{name}");
        }
        for name in ["max-tokens", "stream", "temperature", "metadata.user-id"] {
            assert!(!names.contains(&name), "{name}");
        }
        assert_eq!(body_flags(true).count(), BODY_FLAGS.len());
    }
}
