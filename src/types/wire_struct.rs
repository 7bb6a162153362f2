//! `wire_struct!`: a wire struct with an `extra` map declared once, its serde attributes and
//! its direct `Deserialize` generated from that one field list (so the names the decoder
//! reads cannot drift from the struct).

/// Declares a struct whose last field is `extra: Map<String, Value>` and generates its
/// `Deserialize`: the listed fields by their wire names, every other field into `extra` (what
/// `#[serde(flatten)]` does, without buffering the object first).
///
/// ```text
/// wire_struct! {
///     /// A block.
///     #[derive(Serialize, Debug, Clone, PartialEq)]
///     pub struct Block {
///         /// The block's kind.
///         #[serde(rename = "type")]
///         required pub kind: String,
///         /// Its title, when it has one.
///         optional pub title: Option<String>,
///         /// Fields not modeled here, kept as received.
///         pub extra: Map<String, Value>,
///     }
/// }
/// ```
///
/// Each field starts with how it reads when absent or `null`:
///
/// - `required`: absent is an error (`missing field`);
/// - `required_vec`: the same, for a `Vec` whose first allocation holds one element (see
///   [`VecFromOne`](super::de::VecFromOne));
/// - `default`: absent reads as `Default::default()` (a `null` `Option` as `None`), and the
///   field is always serialized (an `Option` as `null` when `None`);
/// - `optional` (an `Option`): absent or `null` reads as `None`; omitted when `None`;
/// - `nullable` (an `Option`): absent reads as `None`, `null` as `None` with `"field": null`
///   kept in `extra`, so the object serializes back as it came; omitted when `None`.
///
/// A field takes doc comments and at most a `#[serde(rename = "...")]` (its wire name, read
/// by the decoder too); the macro writes every other serde attribute (`skip_serializing_if`,
/// `flatten`), so none can say something the decoder does not do. The struct's own
/// attributes (its derives, `Serialize` among them) are kept. A field sent twice is an error,
/// as with `#[derive(Deserialize)]`.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($body:tt)*
        }
    ) => {
        wire_struct!(@field [$(#[$meta])*] $name [] $($body)*);
    };

    // The `extra` map ends the list.
    (@field $meta:tt $name:ident $fields:tt
        $(#[doc = $doc:literal])*
        pub extra: Map<String, Value> $(,)?
    ) => {
        wire_struct!(@emit $meta $name $fields [$(#[doc = $doc])*]);
    };
    (@field $meta:tt $name:ident $fields:tt
        $(#[doc = $doc:literal])*
        $(#[serde(rename = $wire:literal)])?
        optional pub $field:ident: $ty:ty,
        $($rest:tt)*
    ) => {
        wire_struct!(@push $meta $name $fields
            [$(#[doc = $doc])* $(#[serde(rename = $wire)])?
             #[serde(skip_serializing_if = "Option::is_none")]]
            optional $field ($ty) [$($wire)?] $($rest)*);
    };
    (@field $meta:tt $name:ident $fields:tt
        $(#[doc = $doc:literal])*
        $(#[serde(rename = $wire:literal)])?
        nullable pub $field:ident: $ty:ty,
        $($rest:tt)*
    ) => {
        wire_struct!(@push $meta $name $fields
            [$(#[doc = $doc])* $(#[serde(rename = $wire)])?
             #[serde(skip_serializing_if = "Option::is_none")]]
            nullable $field ($ty) [$($wire)?] $($rest)*);
    };
    (@field $meta:tt $name:ident $fields:tt
        $(#[doc = $doc:literal])*
        $(#[serde(rename = $wire:literal)])?
        $presence:ident pub $field:ident: $ty:ty,
        $($rest:tt)*
    ) => {
        wire_struct!(@push $meta $name $fields
            [$(#[doc = $doc])* $(#[serde(rename = $wire)])?]
            $presence $field ($ty) [$($wire)?] $($rest)*);
    };
    (@push $meta:tt $name:ident [$($fields:tt)*] $attrs:tt
        $presence:ident $field:ident $ty:tt $wire:tt $($rest:tt)*
    ) => {
        wire_struct!(@field $meta $name [$($fields)* { $attrs $presence $field $ty $wire }] $($rest)*);
    };

    (@emit [$($meta:tt)*] $name:ident
        [$({ [$($attr:tt)*] $presence:ident $field:ident ($ty:ty) [$($wire:literal)?] })*]
        [$($extra_doc:tt)*]
    ) => {
        $($meta)*
        pub struct $name {
            $(
                $($attr)*
                pub $field: $ty,
            )*
            $($extra_doc)*
            // `Map` and `Value` as the invocation imports them (from `serde_json`).
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(non_camel_case_types)]
                enum Field { $( $field, )* __Extra(String) }

                impl<'de> ::serde::Deserialize<'de> for Field {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        struct FieldVisitor;
                        impl ::serde::de::Visitor<'_> for FieldVisitor {
                            type Value = Field;
                            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                f.write_str("a field name")
                            }
                            fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<Field, E> {
                                Ok(match v {
                                    $( wire_struct!(@wire $field $($wire)?) => Field::$field, )*
                                    other => Field::__Extra(other.to_owned()),
                                })
                            }
                            fn visit_string<E: ::serde::de::Error>(self, v: String) -> Result<Field, E> {
                                Ok(match v.as_str() {
                                    $( wire_struct!(@wire $field $($wire)?) => Field::$field, )*
                                    _ => Field::__Extra(v),
                                })
                            }
                        }
                        deserializer.deserialize_identifier(FieldVisitor)
                    }
                }

                struct StructVisitor;
                impl<'de> ::serde::de::Visitor<'de> for StructVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $( let mut $field = None; )*
                        let mut extra = ::serde_json::Map::new();
                        while let Some(key) = map.next_key::<Field>()? {
                            match key {
                                $(
                                    Field::$field => {
                                        let wire = wire_struct!(@wire $field $($wire)?);
                                        if $field.is_some() {
                                            return Err(<A::Error as ::serde::de::Error>::duplicate_field(wire));
                                        }
                                        $field = wire_struct!(@read $presence map extra wire);
                                    }
                                )*
                                Field::__Extra(name) => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    extra.insert(name, value);
                                }
                            }
                        }
                        Ok($name {
                            $( $field: wire_struct!(@take $presence $field wire_struct!(@wire $field $($wire)?)), )*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(StructVisitor)
            }
        }

        #[cfg(test)]
        impl $name {
            /// The fields the decoder reads: wire name and presence, in declaration order.
            pub(crate) const WIRE_FIELDS: &'static [(&'static str, &'static str)] =
                &[$( (wire_struct!(@wire $field $($wire)?), stringify!($presence)), )*];
        }
    };

    // A field's wire name: its `rename`, else its name.
    (@wire $field:ident $wire:literal) => { $wire };
    (@wire $field:ident) => { stringify!($field) };

    (@read required $map:ident $extra:ident $wire:ident) => {
        Some($map.next_value()?)
    };
    (@read required_vec $map:ident $extra:ident $wire:ident) => {
        Some($map.next_value_seed($crate::types::de::VecFromOne::new())?)
    };
    (@read default $map:ident $extra:ident $wire:ident) => {
        Some($map.next_value()?)
    };
    (@read optional $map:ident $extra:ident $wire:ident) => {
        Some($map.next_value()?)
    };
    (@read nullable $map:ident $extra:ident $wire:ident) => {
        match $map.next_value::<Option<_>>()? {
            Some(value) => Some(Some(value)),
            None => {
                $extra.insert($wire.to_owned(), ::serde_json::Value::Null);
                Some(None)
            }
        }
    };

    (@take required $field:ident $wire:expr) => {
        match $field {
            Some(value) => value,
            None => return Err(::serde::de::Error::missing_field($wire)),
        }
    };
    (@take required_vec $field:ident $wire:expr) => {
        wire_struct!(@take required $field $wire)
    };
    (@take default $field:ident $wire:expr) => {
        $field.unwrap_or_default()
    };
    (@take optional $field:ident $wire:expr) => {
        $field.unwrap_or_default()
    };
    (@take nullable $field:ident $wire:expr) => {
        $field.flatten()
    };
}
