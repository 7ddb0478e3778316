//! A serde `Serializer` that writes JSON text straight into a `String`: request bodies need no
//! JS object built first. Strings (and keys) are quoted by the browser's `JSON.stringify`, so
//! the escaping is exactly JSON's; integers are written digit by digit and floats by the
//! browser, so no number formatter ships. Whatever JSON cannot hold (a map whose keys are not
//! text) makes the whole value [`Unwritable`].

use std::fmt;

use serde::ser::{self, Serialize};
use wasm_bindgen::JsValue;

/// The value has no JSON form. Without a message, like [`crate::NotUnderstood`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unwritable;

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unwritable")
    }
}

impl std::error::Error for Unwritable {}

impl ser::Error for Unwritable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unwritable
    }
}

/// `value` as JSON text.
pub fn to_json(value: &impl Serialize) -> Result<String, Unwritable> {
    let mut writer = Writer(String::new());
    value.serialize(&mut writer)?;
    Ok(writer.0)
}

struct Writer(String);

type Written = Result<(), Unwritable>;

impl Writer {
    /// `value` written by the browser's `JSON.stringify` (a string, or a float).
    #[inline(never)]
    fn js(&mut self, value: JsValue) -> Written {
        let text = js_sys::JSON::stringify(&value).map_err(|_| Unwritable)?;
        self.0.push_str(&String::from(text));
        Ok(())
    }

    fn quote(&mut self, text: &str) -> Written {
        self.js(JsValue::from_str(text))
    }

    #[inline(never)]
    fn unsigned(&mut self, mut n: u64) -> Written {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &digit in &digits[at..] {
            self.0.push(char::from(digit));
        }
        Ok(())
    }

    /// Opens a compound value (`{`, `[`, or `{"variant":` plus one of those).
    fn open(
        &mut self,
        variant: Option<&'static str>,
        bracket: char,
    ) -> Result<Compound<'_>, Unwritable> {
        if let Some(variant) = variant {
            self.0.push('{');
            self.quote(variant)?;
            self.0.push(':');
        }
        self.0.push(bracket);
        Ok(Compound {
            writer: self,
            first: true,
            variant: variant.is_some(),
        })
    }
}

/// The members of an array or object being written.
struct Compound<'a> {
    writer: &'a mut Writer,
    first: bool,
    /// Inside `{"variant": …}`, which closes too.
    variant: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.writer.0.push(',');
        }
    }

    fn element(&mut self, value: &(impl Serialize + ?Sized)) -> Written {
        self.comma();
        value.serialize(&mut *self.writer)
    }

    fn field(&mut self, key: &str, value: &(impl Serialize + ?Sized)) -> Written {
        self.comma();
        self.writer.quote(key)?;
        self.writer.0.push(':');
        value.serialize(&mut *self.writer)
    }

    fn close(self, bracket: char) -> Written {
        self.writer.0.push(bracket);
        if self.variant {
            self.writer.0.push('}');
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Written {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Written {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Written {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Written {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Written {
        if v < 0 {
            self.0.push('-');
        }
        self.unsigned(v.unsigned_abs())
    }
    fn serialize_u8(self, v: u8) -> Written {
        self.unsigned(v.into())
    }
    fn serialize_u16(self, v: u16) -> Written {
        self.unsigned(v.into())
    }
    fn serialize_u32(self, v: u32) -> Written {
        self.unsigned(v.into())
    }
    fn serialize_u64(self, v: u64) -> Written {
        self.unsigned(v)
    }
    fn serialize_f32(self, v: f32) -> Written {
        self.serialize_f64(v.into())
    }
    /// As JavaScript writes it (`null` for NaN and the infinities, as serde_json does).
    fn serialize_f64(self, v: f64) -> Written {
        self.js(JsValue::from_f64(v))
    }
    fn serialize_char(self, v: char) -> Written {
        self.quote(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Written {
        self.quote(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Written {
        let mut list = self.open(None, '[')?;
        for byte in v {
            list.element(byte)?;
        }
        list.close(']')
    }
    fn serialize_none(self) -> Written {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Written {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Written {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Written {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Written {
        self.quote(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Written {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Written {
        let mut object = self.open(None, '{')?;
        object.field(variant, value)?;
        object.close('}')
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        self.open(None, '[')
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>, Unwritable> {
        self.open(None, '[')
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        self.open(None, '[')
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        self.open(Some(variant), '[')
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        self.open(None, '{')
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        self.open(None, '{')
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        self.open(Some(variant), '{')
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Written {
        self.element(value)
    }
    fn end(self) -> Written {
        self.close(']')
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Written {
        self.element(value)
    }
    fn end(self) -> Written {
        self.close(']')
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Written {
        self.element(value)
    }
    fn end(self) -> Written {
        self.close(']')
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Written {
        self.element(value)
    }
    fn end(self) -> Written {
        self.close(']')
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    /// A key must be text: anything else (a number, a list) has no JSON form as a key.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Written {
        self.comma();
        let start = self.writer.0.len();
        key.serialize(&mut *self.writer)?;
        if self.writer.0.as_bytes().get(start) != Some(&b'"') {
            return Err(Unwritable);
        }
        self.writer.0.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Written {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Written {
        self.close('}')
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Written {
        self.field(key, value)
    }
    fn end(self) -> Written {
        self.close('}')
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Written {
        self.field(key, value)
    }
    fn end(self) -> Written {
        self.close('}')
    }
}
