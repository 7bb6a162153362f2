//! [`ContentBlockDelta`]: the increments a stream applies to a content block.

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An increment of a content block (`delta` of a `content_block_delta`),
/// tagged by `"type"`.
///
/// Serializes to and from the API's JSON. A delta of a type this crate does
/// not model decodes into `Other` with its raw JSON; one of a known type
/// without its string field is an error. Fields of known deltas other than
/// the one modeled are dropped.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ContentBlockDelta {
    /// `text_delta`: text to append to a `text` block.
    TextDelta {
        /// The text.
        text: String,
    },
    /// `input_json_delta`: a piece of a `tool_use` block's `input`, as JSON
    /// text; the pieces of a block, concatenated, are its input.
    InputJsonDelta {
        /// The piece of JSON text.
        partial_json: String,
    },
    /// `thinking_delta`: thinking to append to a `thinking` block.
    ThinkingDelta {
        /// The thinking text.
        thinking: String,
    },
    /// `signature_delta`: the signature of a `thinking` block.
    SignatureDelta {
        /// The signature.
        signature: String,
    },
    /// `citations_delta`: a citation to add to a `text` block's
    /// `citations`.
    CitationsDelta {
        /// The citation, as raw JSON.
        citation: Value,
    },
    /// A delta of a type this crate does not model, as raw JSON.
    Other(Value),
}

impl ContentBlockDelta {
    /// The value of the `"type"` field (for `Other`, read from the raw JSON).
    pub fn type_name(&self) -> Option<&str> {
        match self {
            Self::TextDelta { .. } => Some("text_delta"),
            Self::InputJsonDelta { .. } => Some("input_json_delta"),
            Self::ThinkingDelta { .. } => Some("thinking_delta"),
            Self::SignatureDelta { .. } => Some("signature_delta"),
            Self::CitationsDelta { .. } => Some("citations_delta"),
            Self::Other(value) => value.get("type").and_then(Value::as_str),
        }
    }

    /// Decodes a delta from its JSON.
    fn from_json(mut value: Value) -> Result<Self, String> {
        type Make = fn(String) -> ContentBlockDelta;
        let (kind, field, make): (&str, &str, Make) =
            match value.get("type").and_then(Value::as_str) {
                Some("text_delta") => ("text_delta", "text", |text| Self::TextDelta { text }),
                Some("input_json_delta") => ("input_json_delta", "partial_json", |partial_json| {
                    Self::InputJsonDelta { partial_json }
                }),
                Some("thinking_delta") => ("thinking_delta", "thinking", |thinking| {
                    Self::ThinkingDelta { thinking }
                }),
                Some("signature_delta") => ("signature_delta", "signature", |signature| {
                    Self::SignatureDelta { signature }
                }),
                Some("citations_delta") => {
                    return match value.as_object_mut().and_then(|m| m.remove("citation")) {
                        Some(citation) => Ok(Self::CitationsDelta { citation }),
                        None => Err("invalid `citations_delta` delta: no field `citation`".into()),
                    };
                }
                _ => return Ok(Self::Other(value)),
            };
        match value.as_object_mut().and_then(|m| m.remove(field)) {
            Some(Value::String(text)) => Ok(make(text)),
            _ => Err(format!("invalid `{kind}` delta: no string field `{field}`")),
        }
    }
}

impl Serialize for ContentBlockDelta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn tagged<S: Serializer, T: Serialize + ?Sized>(
            serializer: S,
            kind: &str,
            field: &str,
            value: &T,
        ) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("type", kind)?;
            map.serialize_entry(field, value)?;
            map.end()
        }
        match self {
            Self::TextDelta { text } => tagged(serializer, "text_delta", "text", text),
            Self::InputJsonDelta { partial_json } => {
                tagged(serializer, "input_json_delta", "partial_json", partial_json)
            }
            Self::ThinkingDelta { thinking } => {
                tagged(serializer, "thinking_delta", "thinking", thinking)
            }
            Self::SignatureDelta { signature } => {
                tagged(serializer, "signature_delta", "signature", signature)
            }
            Self::CitationsDelta { citation } => {
                tagged(serializer, "citations_delta", "citation", citation)
            }
            Self::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ContentBlockDelta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_json(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}
