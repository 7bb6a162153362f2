//! Private helpers shared by the data types: open string enums, `type`-tagged
//! enums with a raw-JSON fallback, and the `extra_field` setter.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Serializes `inner` (a struct or map) with a leading `"type": kind` entry.
#[derive(Serialize)]
pub(crate) struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    #[serde(flatten)]
    pub(crate) inner: &'a T,
}

/// Removes the `type` tag from a JSON object and decodes the rest as `T`.
pub(crate) fn untag<T: DeserializeOwned>(mut value: Value) -> Result<T, serde_json::Error> {
    if let Value::Object(map) = &mut value {
        map.remove("type");
    }
    serde_json::from_value(value)
}

/// A short name for the JSON kind of `value`, for error messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string enum that keeps values it does not know in `Other(String)`.
///
/// Generates the enum, `as_str`, `From<&str>`, `From<String>`, `Display`,
/// `Serialize` and `Deserialize`.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $wire:literal,
            )*
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values this version of the crate does not know are kept in `Other`
        /// and serialized back verbatim. Build values with `From<&str>` (e.g.
        /// `"x".into()`) so known spellings map to their named variant.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )*
            /// A value this version of the crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )*
                    _ => Self::Other(value),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

pub(crate) use open_string_enum;

/// An enum tagged by a `"type"` field whose variants each wrap a struct (the
/// struct holds every field but `type`), plus `Other(serde_json::Value)` for
/// any `type` not listed, which is kept and serialized as-is.
///
/// Generates the enum, `type_name`, `From<Struct>` for each variant,
/// `Serialize` and `Deserialize` (through [`de::tagged`](super::de::tagged): dispatched on
/// `type` as it is read). Decoding an object whose `type` is listed but whose fields do not
/// fit the struct is an error; any other value (unknown or missing `type`) becomes `Other`.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $wire:literal => $variant:ident($ty:ty),
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant($ty),
            )*
            /// An object of a `type` this crate does not model, kept and sent as raw JSON.
            Other(::serde_json::Value),
        }

        impl $name {
            /// The value of the `"type"` field (for `Other`, read from the raw JSON).
            pub fn type_name(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(_) => Some($wire), )*
                    Self::Other(value) => value.get("type").and_then(::serde_json::Value::as_str),
                }
            }
        }

        $(
            impl From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    Self::$variant(value)
                }
            }
        )*

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(
                        Self::$variant(inner) => ::serde::Serialize::serialize(
                            &$crate::types::macros::Tagged { kind: $wire, inner },
                            serializer,
                        ),
                    )*
                    Self::Other(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl $crate::types::de::TaggedEnum for $name {
            const NAME: &'static str = stringify!($name);

            fn knows(tag: &str) -> bool {
                matches!(tag, $( $wire )|*)
            }

            fn variant<'de, D: ::serde::Deserializer<'de>>(tag: &str, fields: D) -> Result<Self, D::Error> {
                match tag {
                    $( $wire => <$ty as ::serde::Deserialize>::deserialize(fields).map(Self::$variant), )*
                    other => Err(<D::Error as ::serde::de::Error>::unknown_variant(other, &[$( $wire ),*])),
                }
            }

            fn other(value: ::serde_json::Value) -> Self {
                Self::Other(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::types::de::tagged(deserializer)
            }
        }
    };
}

/// Adds the chained `extra_field` setter to structs with an `extra` map.
macro_rules! impl_extra_field {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $ty {
                /// Adds a field the types do not model; it is serialized at this
                /// object's top level, next to the modeled fields.
                ///
                /// Do not use the name of a modeled field: the key would then
                /// appear twice in the JSON.
                #[must_use]
                pub fn extra_field(
                    mut self,
                    key: impl Into<String>,
                    value: impl Into<::serde_json::Value>,
                ) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            }
        )*
    };
}

/// The setters of the fields a message request and a token count share (`system`, `tools`,
/// `tool`, `tool_choice`, `thinking`, `output_config`), written once for both
/// [`MessageCreateParams`](crate::types::MessageCreateParams) and
/// [`CountTokensParams`](crate::types::CountTokensParams).
macro_rules! impl_prompt_setters {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $ty {
                /// Sets the system prompt (a string or `Vec<TextBlockParam>`).
                #[must_use]
                pub fn system(mut self, system: impl Into<$crate::types::SystemPrompt>) -> Self {
                    self.system = Some(system.into());
                    self
                }

                /// Sets the tools, replacing any set before.
                #[must_use]
                pub fn tools<I>(mut self, tools: I) -> Self
                where
                    I: IntoIterator,
                    I::Item: Into<$crate::types::ToolParam>,
                {
                    self.tools = Some(tools.into_iter().map(Into::into).collect());
                    self
                }

                /// Adds one tool.
                #[must_use]
                pub fn tool(mut self, tool: impl Into<$crate::types::ToolParam>) -> Self {
                    self.tools.get_or_insert_with(Vec::new).push(tool.into());
                    self
                }

                /// Sets how the model should use the tools.
                #[must_use]
                pub fn tool_choice(
                    mut self,
                    tool_choice: impl Into<$crate::types::ToolChoice>,
                ) -> Self {
                    self.tool_choice = Some(tool_choice.into());
                    self
                }

                /// Sets the extended-thinking configuration.
                #[must_use]
                pub fn thinking(mut self, thinking: impl Into<$crate::types::ThinkingConfig>) -> Self {
                    self.thinking = Some(thinking.into());
                    self
                }

                /// Sets the output configuration, replacing any set before.
                #[must_use]
                pub fn output_config(mut self, output_config: $crate::types::OutputConfig) -> Self {
                    self.output_config = Some(output_config);
                    self
                }
            }
        )*
    };
}
