//! Direct decoding for the response types that are read in bulk (batch results, messages):
//! a `type`-tagged object is dispatched on its tag as it is read, and a struct with an `extra`
//! map collects unknown fields itself, so neither goes through a `serde_json::Value` or
//! serde's buffered `flatten` first.
//!
//! Used by the `tagged_enum!` macro in `macros.rs` and the `wire_struct!` macro in
//! `wire_struct.rs`.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A `type`-tagged enum with a raw-JSON fallback, as `tagged_enum!` generates it.
pub(crate) trait TaggedEnum: Sized {
    /// The enum's name, for error messages.
    const NAME: &'static str;

    /// Whether `tag` names a variant.
    fn knows(tag: &str) -> bool;

    /// Decodes the variant `tag` (one [`knows`](Self::knows)) from the object's fields but
    /// `type`.
    fn variant<'de, D: Deserializer<'de>>(tag: &str, fields: D) -> Result<Self, D::Error>;

    /// Keeps a value of an unknown or missing `type` as it is.
    fn other(value: Value) -> Self;
}

/// Decodes a [`TaggedEnum`]: an object whose `type` comes first is decoded straight into its
/// variant; the fields before a later `type` are buffered as JSON, then replayed in front of
/// the rest. An object of an unknown or missing `type`, or any other JSON value, is kept raw.
pub(crate) fn tagged<'de, T: TaggedEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(PhantomData))
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<'de, T: TaggedEnum> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} (a JSON object with a \"type\")", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Map::new();
        while let Some(key) = map.next_key::<Key>()? {
            let name = match key {
                Key::Type => {
                    let tag: Value = map.next_value()?;
                    match tag {
                        Value::String(tag) if T::knows(&tag) => {
                            let fields = Replay {
                                before: before.into_iter(),
                                value: None,
                                rest: map,
                            };
                            return T::variant(&tag, MapAccessDeserializer::new(fields)).map_err(
                                |e| {
                                    de::Error::custom(format_args!(
                                        "invalid `{tag}` object in {}: {e}",
                                        T::NAME
                                    ))
                                },
                            );
                        }
                        other => {
                            before.insert("type".to_owned(), other);
                            continue;
                        }
                    }
                }
                Key::Other(name) => name,
            };
            let value: Value = map.next_value()?;
            before.insert(name, value);
        }
        Ok(T::other(Value::Object(before)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(T::other)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Ok(T::other(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok(T::other(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok(T::other(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok(T::other(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::other(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::other(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        tagged(deserializer)
    }
}

/// A key of a tagged object: `type` or any other (kept).
enum Key {
    Type,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(if v == "type" {
                    Key::Type
                } else {
                    Key::Other(v.to_owned())
                })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
                Ok(if v == "type" {
                    Key::Type
                } else {
                    Key::Other(v)
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The fields of an object without its `type`: those read before it (buffered), then the
/// rest as they come.
struct Replay<A> {
    before: serde_json::map::IntoIter,
    /// The value of the buffered key just given out.
    value: Option<Value>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(StringDeserializer::new(key)).map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest.size_hint().map(|n| n + self.before.len())
    }
}

/// Reads a JSON array into a `Vec` whose first allocation holds one element: a message's
/// content is most often one block, and serde's own `Vec` starts at four (a content block is
/// some 400 bytes, so four is past the allocator's small-size cache). Later elements grow
/// the `Vec` as usual.
pub(crate) struct VecFromOne<T>(PhantomData<T>);

impl<T> VecFromOne<T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for VecFromOne<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for VecFromOne<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        if let Some(first) = seq.next_element()? {
            items.reserve_exact(1);
            items.push(first);
        }
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{BatchResult, BatchResultKind, ContentBlock, Message};
    use serde_json::json;

    fn message() -> Value {
        json!({"id": "msg_1", "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": "Hi"}], "model": "m",
            "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 3, "output_tokens": 1}})
    }

    #[test]
    fn content_of_one_block_takes_room_for_one_and_more_blocks_keep_their_order() {
        let one: Message = serde_json::from_str(&message().to_string()).unwrap();
        assert_eq!(one.content.len(), 1);
        assert_eq!(one.content.capacity(), 1);
        let mut several = message();
        several["content"] = json!([
            {"type": "text", "text": "a"},
            {"type": "text", "text": "b"},
            {"type": "text", "text": "c"}
        ]);
        let several: Message = serde_json::from_str(&several.to_string()).unwrap();
        let texts: Vec<_> = several
            .content
            .iter()
            .filter_map(ContentBlock::as_text)
            .collect();
        assert_eq!(texts, ["a", "b", "c"]);
        let mut none = message();
        none["content"] = json!([]);
        let none: Message = serde_json::from_str(&none.to_string()).unwrap();
        assert!(none.content.is_empty());
        let mut wrong = message();
        wrong["content"] = json!({"type": "text"});
        assert!(serde_json::from_str::<Message>(&wrong.to_string()).is_err());
    }

    #[test]
    fn a_type_after_other_fields_is_found_and_the_fields_kept() {
        let block: ContentBlock =
            serde_json::from_str(r#"{"text":"late","citations":null,"x":1,"type":"text"}"#)
                .unwrap();
        let ContentBlock::Text(text) = &block else {
            panic!("{block:?}")
        };
        assert_eq!(text.text, "late");
        assert_eq!(text.citations, None);
        assert_eq!(text.extra["x"], 1);
        let line = r#"{"result":{"message":MSG,"type":"succeeded","z":[1]},"custom_id":"a"}"#
            .replace("MSG", &message().to_string());
        let result: BatchResult = serde_json::from_str(&line).unwrap();
        let BatchResultKind::Succeeded(ok) = &result.result else {
            panic!("{result:?}")
        };
        assert_eq!(ok.message.text(), "Hi");
        assert_eq!(ok.extra["z"], json!([1]));
    }

    #[test]
    fn unknown_missing_or_odd_tags_are_kept_raw() {
        for raw in [
            json!({"type": "brand_new", "a": {"b": [1, 2]}}),
            json!({"a": 1}),
            json!({"a": 1, "type": 7}),
            json!({"type": null}),
            json!("text"),
            json!([1, 2]),
            json!(1.5),
            json!(null),
        ] {
            let block: ContentBlock = serde_json::from_str(&raw.to_string()).unwrap();
            assert_eq!(block, ContentBlock::Other(raw.clone()));
            let from_value: ContentBlock = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(from_value, ContentBlock::Other(raw.clone()));
            assert_eq!(serde_json::to_value(&block).unwrap(), raw);
        }
    }

    #[test]
    fn a_known_tag_with_bad_fields_is_an_error_naming_it() {
        let err = serde_json::from_str::<ContentBlock>(r#"{"type":"text","text":5}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid `text` object in ContentBlock"),
            "{err}"
        );
        let err = serde_json::from_str::<ContentBlock>(r#"{"type":"tool_use","id":"t"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `name`"), "{err}");
    }

    #[test]
    fn structs_keep_unknown_fields_and_refuse_missing_or_repeated_ones() {
        let mut raw = message();
        raw["container"] = json!({"id": "c1"});
        raw["brand_new"] = json!({"id": "b1"});
        raw["usage"]["cache_creation"] = json!({"ephemeral_5m_input_tokens": 2});
        raw["usage"]["brand_new_count"] = json!(7);
        let parsed: Message = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(parsed.extra["brand_new"], json!({"id": "b1"}));
        assert_eq!(parsed.usage.extra["brand_new_count"], 7);
        assert_eq!(
            parsed
                .usage
                .cache_creation
                .as_ref()
                .map(|c| c.ephemeral_5m_input_tokens),
            Some(Some(2))
        );
        assert_eq!(parsed.container.as_ref().map(|c| c.id.as_str()), Some("c1"));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), raw);

        let mut missing = message();
        missing.as_object_mut().unwrap().remove("model");
        let err = serde_json::from_value::<Message>(missing).unwrap_err();
        assert!(err.to_string().contains("missing field `model`"), "{err}");

        let twice = r#"{"id":"a","id":"b","type":"message","role":"assistant","content":[],
            "model":"m","usage":{}}"#;
        let err = serde_json::from_str::<Message>(twice).unwrap_err();
        assert!(err.to_string().contains("duplicate field `id`"), "{err}");

        // Absent defaults read as their default; a null Option as None.
        let usage: crate::types::Usage =
            serde_json::from_str(r#"{"cache_read_input_tokens":null}"#).unwrap();
        assert_eq!(
            (usage.input_tokens, usage.cache_read_input_tokens),
            (0, None)
        );
    }
}
