//! `order` messages: a cart sent from a catalog, single- or multi-product message (Meta, *Order
//! messages webhook reference*: `catalog_id`, `text`, `product_items[]` with
//! `product_retailer_id`, `quantity`, `item_price` — a number in major units, e.g. `7.99` —
//! and `currency`).
//!
//! Prices are never added as floating point: each `item_price` is read as the decimal text it
//! was sent as and turned into whole minor units of its currency (ISO 4217 exponent), and the
//! total is integer arithmetic with overflow checks. A total is refused, with the reason, for
//! an empty cart, mixed currencies, an unknown currency code, a price finer than the currency's
//! smallest unit, or a sum beyond `u64`.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::nonempty;

/// A customer's cart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub catalog_id: Option<String>,
    /// The customer's note.
    pub text: Option<String>,
    pub items: Vec<OrderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    pub product_retailer_id: String,
    /// At least 1.
    pub quantity: u64,
    /// The unit price in major units, as decimal text (`"7.99"`), exactly as Meta's number read.
    pub item_price: String,
    pub currency: String,
}

/// An amount in whole minor units of a currency (`1598` with exponent 2 is 15.98).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    pub minor_units: u64,
    /// Digits after the decimal point in the currency (ISO 4217).
    pub exponent: u8,
}

/// Why an order has no total.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderTotalError {
    #[error("the order has no items")]
    Empty,
    #[error("the items are in different currencies ({0} and {1})")]
    MixedCurrencies(String, String),
    #[error("{0:?} is not an ISO 4217 currency code")]
    UnknownCurrency(String),
    #[error("the price {price} is finer than the smallest unit of {currency}")]
    TooPrecise { price: String, currency: String },
    #[error("the price {0:?} is not a non-negative decimal number")]
    NotAPrice(String),
    #[error("the total is too large to count")]
    Overflow,
}

impl Money {
    /// The amount as decimal text: `15.98`, `500` (JPY), `1.250` (KWD).
    pub fn amount(&self) -> String {
        let units = self.minor_units.to_string();
        let exponent = usize::from(self.exponent);
        if exponent == 0 {
            return units;
        }
        let padded = format!("{units:0>width$}", width = exponent + 1);
        let (whole, fraction) = padded.split_at(padded.len() - exponent);
        format!("{whole}.{fraction}")
    }
}

impl OrderItem {
    /// One unit's price.
    pub fn unit_price(&self) -> Result<Money, OrderTotalError> {
        let exponent = currency_exponent(&self.currency)
            .ok_or_else(|| OrderTotalError::UnknownCurrency(self.currency.clone()))?;
        let minor_units =
            decimal_to_minor_units(&self.item_price, exponent).map_err(|e| match e {
                OrderTotalError::TooPrecise { price, .. } => OrderTotalError::TooPrecise {
                    price,
                    currency: self.currency.clone(),
                },
                e => e,
            })?;
        Ok(Money {
            currency: self.currency.clone(),
            minor_units,
            exponent,
        })
    }

    /// Price × quantity.
    pub fn line_total(&self) -> Result<Money, OrderTotalError> {
        let unit = self.unit_price()?;
        Ok(Money {
            minor_units: unit
                .minor_units
                .checked_mul(self.quantity)
                .ok_or(OrderTotalError::Overflow)?,
            ..unit
        })
    }
}

impl Order {
    /// The sum of every line, in minor units of the one currency of the cart.
    pub fn total(&self) -> Result<Money, OrderTotalError> {
        let mut lines = self.items.iter().map(OrderItem::line_total);
        let mut total = lines.next().ok_or(OrderTotalError::Empty)??;
        for line in lines {
            let line = line?;
            if line.currency != total.currency {
                return Err(OrderTotalError::MixedCurrencies(
                    total.currency,
                    line.currency,
                ));
            }
            total.minor_units = total
                .minor_units
                .checked_add(line.minor_units)
                .ok_or(OrderTotalError::Overflow)?;
        }
        Ok(total)
    }
}

pub(super) fn parse_order(body: &Value) -> Result<Order, String> {
    let items = body
        .get("product_items")
        .and_then(Value::as_array)
        .ok_or("order.product_items: missing or not an array")?;
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_item(item).map_err(|e| format!("order.product_items[{i}].{e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Order {
        catalog_id: nonempty(body, "catalog_id"),
        text: nonempty(body, "text"),
        items,
    })
}

fn parse_item(item: &Value) -> Result<OrderItem, String> {
    let quantity = match item.get("quantity") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|q| *q >= 1)
    .ok_or("quantity: not a whole number of at least 1")?;
    let item_price = match item.get("item_price") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.trim().to_owned(),
        _ => return Err("item_price: missing or not a number".to_owned()),
    };
    if decimal(&item_price).is_none() {
        return Err(format!(
            "item_price: {item_price:?} is not a non-negative number"
        ));
    }
    Ok(OrderItem {
        product_retailer_id: nonempty(item, "product_retailer_id")
            .ok_or("product_retailer_id: missing")?,
        quantity,
        item_price,
        currency: nonempty(item, "currency").ok_or("currency: missing")?,
    })
}

/// Currencies whose minor unit is not a hundredth (ISO 4217, list one). Every other code of
/// three capital letters has two decimals.
const EXPONENTS: [(&str, u8); 26] = [
    ("BHD", 3),
    ("BIF", 0),
    ("CLF", 4),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

/// Digits after the decimal point of an ISO 4217 code (three capital letters); `None` for
/// anything else.
pub fn currency_exponent(code: &str) -> Option<u8> {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some(
        EXPONENTS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(2, |(_, e)| *e),
    )
}

/// Longest price text read (Meta's are a handful of characters).
const MAX_PRICE_TEXT: usize = 40;

/// A non-negative decimal (`7.99`, `30`, `1e3`, `7.5E-1`): its significant digits and the power
/// of ten they are multiplied by. `None` for a sign or anything else.
fn decimal(text: &str) -> Option<(String, i32)> {
    if text.len() > MAX_PRICE_TEXT {
        return None;
    }
    let (number, power) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || power.abs() > 40 {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    Some((
        digits.trim_start_matches('0').to_owned(),
        power - fraction.len() as i32,
    ))
}

/// `text`, a non-negative decimal, in whole units of 10^-`exponent`. Refused: anything that is
/// not such a decimal, a value finer than the unit, a value beyond `u64`.
pub fn decimal_to_minor_units(text: &str, exponent: u8) -> Result<u64, OrderTotalError> {
    let (mut digits, power) =
        decimal(text).ok_or_else(|| OrderTotalError::NotAPrice(text.chars().take(40).collect()))?;
    let mut scale = i32::from(exponent) + power;
    while scale < 0 && digits.ends_with('0') {
        digits.pop();
        scale += 1;
    }
    if digits.is_empty() {
        return Ok(0);
    }
    if scale < 0 {
        return Err(OrderTotalError::TooPrecise {
            price: text.to_owned(),
            currency: String::new(),
        });
    }
    if digits.len() > 20 || scale > 20 {
        return Err(OrderTotalError::Overflow);
    }
    let value: u64 = digits.parse().map_err(|_| OrderTotalError::Overflow)?;
    10u64
        .checked_pow(scale as u32)
        .and_then(|factor| value.checked_mul(factor))
        .ok_or(OrderTotalError::Overflow)
}
