//! A serde `Deserializer` over a parsed JS value (what `JSON.parse` or `Response.json` gives):
//! objects become maps, arrays sequences, whole numbers integers, and `null`/`undefined` unit
//! or `None`. Every error is the same text-free [`NotUnderstood`].

use std::fmt;

use js_sys::{Array, Object, Reflect};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

/// The value was not what the type expects. Deliberately without a message (see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUnderstood;

impl fmt::Display for NotUnderstood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not understood")
    }
}

impl std::error::Error for NotUnderstood {}

/// Every constructor is overridden so that none of serde's default messages (which format the
/// unexpected value, floats included) is ever built.
impl de::Error for NotUnderstood {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotUnderstood
    }
    fn invalid_type(_: Unexpected, _: &dyn Expected) -> Self {
        NotUnderstood
    }
    fn invalid_value(_: Unexpected, _: &dyn Expected) -> Self {
        NotUnderstood
    }
    fn invalid_length(_: usize, _: &dyn Expected) -> Self {
        NotUnderstood
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        NotUnderstood
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        NotUnderstood
    }
    fn missing_field(_: &'static str) -> Self {
        NotUnderstood
    }
    fn duplicate_field(_: &'static str) -> Self {
        NotUnderstood
    }
}

/// `value` (parsed JSON) as a `T`.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, NotUnderstood> {
    T::deserialize(Value(value))
}

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

struct Value(JsValue);

/// What a parsed JS value is, found once outside the generic code (which is copied for every
/// type that is decoded, so it stays a plain `match`).
enum Js {
    Unit,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    List(Array),
    Record(Object),
    Other,
}

#[inline(never)]
fn classify(value: JsValue) -> Js {
    if value.is_null() || value.is_undefined() {
        return Js::Unit;
    }
    if let Some(b) = value.as_bool() {
        return Js::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        // JSON has one number type; a whole one is offered as an integer, which is what every
        // integer field asks for (and a float field accepts as well).
        return match (n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER, n >= 0.0) {
            (true, true) => Js::Unsigned(n as u64),
            (true, false) => Js::Signed(n as i64),
            (false, _) => Js::Float(n),
        };
    }
    if let Some(s) = value.as_string() {
        return Js::Text(s);
    }
    if Array::is_array(&value) {
        return Js::List(value.unchecked_into());
    }
    if value.is_object() {
        return Js::Record(value.unchecked_into());
    }
    Js::Other
}

/// Integers: a whole number (as `classify` finds it), which the visitor checks for its range.
macro_rules! integers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
                match classify(self.0) {
                    Js::Unsigned(n) => visitor.visit_u64(n),
                    Js::Signed(n) => visitor.visit_i64(n),
                    _ => Err(NotUnderstood),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = NotUnderstood;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match classify(self.0) {
            Js::Unit => visitor.visit_unit(),
            Js::Bool(b) => visitor.visit_bool(b),
            Js::Unsigned(n) => visitor.visit_u64(n),
            Js::Signed(n) => visitor.visit_i64(n),
            Js::Float(n) => visitor.visit_f64(n),
            Js::Text(s) => visitor.visit_string(s),
            Js::List(array) => visitor.visit_seq(Elements { array, next: 0 }),
            Js::Record(object) => visitor.visit_map(Entries::new(object)),
            Js::Other => Err(NotUnderstood),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, NotUnderstood> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants, which is how every enum of the API is written (`"visitor"`, `"status"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, NotUnderstood> {
        match self.0.as_string() {
            Some(s) => visitor.visit_enum(IntoDeserializer::<NotUnderstood>::into_deserializer(s)),
            None => Err(NotUnderstood),
        }
    }

    // Each kind a type asks for reads just that kind, so a type's decoding carries only the
    // one visit it needs (`deserialize_any` offers every kind, and a derive's visitor then
    // brings code for each: a struct's `visit_seq`, a field name's `visit_u64`…).

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match self.0.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(NotUnderstood),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match self.0.as_string() {
            Some(s) => visitor.visit_string(s),
            None => Err(NotUnderstood),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, NotUnderstood> {
        self.deserialize_string(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match classify(self.0) {
            Js::List(array) => visitor.visit_seq(Elements { array, next: 0 }),
            _ => Err(NotUnderstood),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match classify(self.0) {
            Js::Record(object) => visitor.visit_map(Entries::new(object)),
            _ => Err(NotUnderstood),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, NotUnderstood> {
        self.deserialize_map(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, NotUnderstood> {
        match classify(self.0) {
            Js::Unit => visitor.visit_unit(),
            _ => Err(NotUnderstood),
        }
    }

    /// A field the type does not know: skipped without being read.
    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, NotUnderstood> {
        visitor.visit_unit()
    }

    integers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char bytes byte_buf unit_struct tuple tuple_struct
    }
}

/// An array's elements, in order.
struct Elements {
    array: Array,
    next: u32,
}

impl<'de> SeqAccess<'de> for Elements {
    type Error = NotUnderstood;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, NotUnderstood> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let element = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(Value(element)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.array.length() - self.next) as usize)
    }
}

/// An object's own keys (`Object.keys`), each followed by its value.
struct Entries {
    object: Object,
    keys: Array,
    next: u32,
}

impl Entries {
    fn new(object: Object) -> Self {
        let keys = Object::keys(&object);
        Self {
            object,
            keys,
            next: 0,
        }
    }
}

impl<'de> MapAccess<'de> for Entries {
    type Error = NotUnderstood;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, NotUnderstood> {
        if self.next >= self.keys.length() {
            return Ok(None);
        }
        seed.deserialize(Value(self.keys.get(self.next))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, NotUnderstood> {
        let key = self.keys.get(self.next);
        self.next += 1;
        let value = Reflect::get(&self.object, &key).map_err(|_| NotUnderstood)?;
        seed.deserialize(Value(value))
    }
}
