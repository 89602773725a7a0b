//! A JSON object's members as unparsed JSON text, so the loader builds no `Value` tree for
//! the bulk of a catalogue (schemas, unknown keys) that it keeps as text anyway
//! ([`super::JsonObject`]).

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// The members of one JSON object, in source order, each value as its JSON text.
pub(super) struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Fields<'a> {
    /// The members of `text` when it is a JSON object; `None` otherwise (another kind of
    /// value, malformed JSON). A repeated key keeps its first place and its last value, as in
    /// a serde_json `Map`. Values are only checked for syntax: see [`is_valid`].
    pub fn of(text: &'a str) -> Option<Fields<'a>> {
        let mut fields: Fields = serde_json::from_str(text).ok()?;
        fields.merge_repeated_keys();
        Some(fields)
    }

    fn merge_repeated_keys(&mut self) {
        let members = &mut self.0;
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by(|&a, &b| members[a].0.cmp(&members[b].0).then(a.cmp(&b)));
        let groups: Vec<&[usize]> = order
            .chunk_by(|&a, &b| members[a].0 == members[b].0)
            .filter(|group| group.len() > 1)
            .collect();
        let mut repeated = vec![false; members.len()];
        for group in groups {
            members[group[0]].1 = members[group[group.len() - 1]].1;
            for &i in &group[1..] {
                repeated[i] = true;
            }
        }
        if repeated.contains(&true) {
            let mut i = 0;
            members.retain(|_| {
                i += 1;
                !repeated[i - 1]
            });
        }
    }

    /// Takes the member `key` out, if there is one.
    pub fn take(&mut self, key: &str) -> Option<&'a RawValue> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// Puts a member back, after the others.
    pub fn put_back(&mut self, key: &str, value: &'a RawValue) {
        self.0.push((Cow::Owned(key.to_owned()), value));
    }

    /// The members left, as a JSON object's text: `{"key":value,...}`.
    pub fn to_json(&self) -> String {
        let size: usize = self
            .0
            .iter()
            .map(|(k, v)| k.len() + v.get().len() + 4)
            .sum();
        let mut text = String::with_capacity(size + 2);
        text.push('{');
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&serde_json::to_string(key).expect("a string always serialises"));
            text.push(':');
            text.push_str(value.get());
        }
        text.push('}');
        text
    }

    /// The members left, in order.
    pub fn into_members(self) -> impl Iterator<Item = (Cow<'a, str>, &'a RawValue)> {
        self.0.into_iter()
    }
}

/// A server entry's members, with its `tools` read in the same pass.
pub(super) struct EntryFields<'a> {
    /// Every member but `tools`.
    pub members: Fields<'a>,
    /// `tools`, when the entry has it and it is not `null`.
    pub tools: Option<Tools<'a>>,
}

/// A `tools` member: an array of items, or the kind of value it is instead.
pub(super) enum Tools<'a> {
    /// The array's items.
    Items(Vec<Item<'a>>),
    /// Not an array: its kind (`a string`, `an object`, ...).
    Other(&'static str),
}

/// One item of `tools`: a tool object's members, or the kind of value it is instead.
pub(super) enum Item<'a> {
    /// An object's members.
    Object(Fields<'a>),
    /// Not an object: its kind.
    Other(&'static str),
}

impl<'a> EntryFields<'a> {
    /// The entry `text` when it is a JSON object; `None` otherwise (another kind of value,
    /// malformed JSON). Repeated keys as in [`Fields::of`].
    pub fn of(text: &'a str) -> Option<EntryFields<'a>> {
        let mut entry: EntryFields = serde_json::from_str(text).ok()?;
        entry.members.merge_repeated_keys();
        Some(entry)
    }
}

/// The kind of the JSON value `value`, for messages: `null`, `a boolean`, `an array`, ...
pub(super) fn kind_of(value: &RawValue) -> &'static str {
    match value.get().trim_start().as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => "a number",
    }
}

/// Whether `value` is a JSON object.
pub(super) fn is_object(value: &RawValue) -> bool {
    value.get().trim_start().starts_with('{')
}

/// Whether `value` is JSON `null`.
pub(super) fn is_null(value: &RawValue) -> bool {
    value.get().trim() == "null"
}

/// Whether `text` parses into a serde_json `Value`. Syntax alone is not enough: a number out
/// of range (`1e400`) or a lone surrogate escape (`"\ud800"`) passes as raw JSON text but not
/// as a `Value`. This walks the text with the same parser, building nothing.
pub(super) fn is_valid(text: &str) -> bool {
    serde_json::from_str::<Valid>(text).is_ok()
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Fields<'de>, M::Error> {
                members(map)
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The members of the object `map` is reading, in order, repeated keys included.
fn members<'de, M: MapAccess<'de>>(mut map: M) -> Result<Fields<'de>, M::Error> {
    let mut members = Vec::new();
    while let Some((Key(key), value)) = map.next_entry::<Key, &RawValue>()? {
        members.push((key, value));
    }
    Ok(Fields(members))
}

/// The visitor methods for scalar values (and `null`), each giving `$other(kind)`, where
/// an array or an object is expected.
macro_rules! scalars_are_other {
    ($other:path) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($other("a boolean"))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($other("a number"))
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($other("a string"))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($other("null"))
        }
    };
}

impl<'de: 'a, 'a> Deserialize<'de> for EntryFields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = EntryFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let (mut members, mut tools) = (Vec::new(), None);
                while let Some(Key(key)) = map.next_key::<Key>()? {
                    // A repeated `tools` keeps its last value, as in a serde_json `Map`.
                    match key.as_ref() {
                        "tools" => tools = map.next_value::<Option<Tools>>()?,
                        _ => members.push((key, map.next_value()?)),
                    }
                }
                Ok(EntryFields {
                    members: Fields(members),
                    tools,
                })
            }
        }
        deserializer.deserialize_map(Members)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Tools<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Array;
        impl<'de> Visitor<'de> for Array {
            type Value = Tools<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of tools")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Tools::Items(items))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                Kind.visit_map(map).map(Tools::Other)
            }
            scalars_are_other!(Tools::Other);
        }
        deserializer.deserialize_any(Array)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Item<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Item<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tool object")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                let mut fields = members(map)?;
                fields.merge_repeated_keys();
                Ok(Item::Object(fields))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
                Kind.visit_seq(seq).map(Item::Other)
            }
            scalars_are_other!(Item::Other);
        }
        deserializer.deserialize_any(Object)
    }
}

/// Skips an array or an object, giving its kind.
struct Kind;

impl Kind {
    fn visit_seq<'de, S: SeqAccess<'de>>(self, mut seq: S) -> Result<&'static str, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok("an array")
    }
    fn visit_map<'de, M: MapAccess<'de>>(self, mut map: M) -> Result<&'static str, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok("an object")
    }
}

/// A key, borrowed from the text unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value that a `Value` could hold, checked and dropped.
struct Valid;

impl<'de> Deserialize<'de> for Valid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Valid)
    }
}

impl<'de> Visitor<'de> for Valid {
    type Value = Valid;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_str<E>(self, _: &str) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_unit<E>(self) -> Result<Valid, E> {
        Ok(Valid)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Valid, S::Error> {
        while seq.next_element::<Valid>()?.is_some() {}
        Ok(Valid)
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Valid, M::Error> {
        while map.next_entry::<Valid, Valid>()?.is_some() {}
        Ok(Valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_value_rejects_is_not_valid() {
        assert!(is_valid(r#"{"a":[1,-2.5e10,"é\n",null,true,{"b":{}}]}"#));
        assert!(!is_valid(r#"{"a":1e400}"#), "out of range");
        assert!(!is_valid(r#"{"a":"\ud800"}"#), "lone surrogate");
        assert!(serde_json::from_str::<serde_json::Value>(r#"{"a":1e400}"#).is_err());
        assert!(serde_json::from_str::<&RawValue>(r#"{"a":1e400}"#).is_ok());
        assert!(
            !is_valid(&"[".repeat(200)),
            "deeper than serde_json's limit"
        );
    }

    #[test]
    fn members_keep_their_order_and_repeated_keys_are_refused() {
        let mut f = Fields::of(r#"{"z":1, "a\u0062":{"x":[1]}, "m":"s"}"#).unwrap();
        assert_eq!(f.take("ab").map(|v| v.get()), Some(r#"{"x":[1]}"#));
        assert!(f.take("ab").is_none());
        assert_eq!(f.to_json(), r#"{"z":1,"m":"s"}"#);
        let repeated = Fields::of(r#"{"a":1,"b":2,"a":3,"c":4,"a":5}"#).unwrap();
        assert_eq!(
            repeated.to_json(),
            r#"{"a":5,"b":2,"c":4}"#,
            "as a serde_json Map has it"
        );
        assert!(Fields::of("[1]").is_none());
        assert_eq!(kind_of(serde_json::from_str(" [1]").unwrap()), "an array");
    }
}
