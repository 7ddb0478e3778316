//! `order` messages and their totals, in whole minor units.

use super::*;

fn order_of(object: Value) -> MessageContent {
    only_message(json!({ "from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
                         "timestamp": "1739321024", "type": "order", "order": object }))
    .content
}

fn item(retailer_id: &str, quantity: Value, price: Value, currency: &str) -> Value {
    json!({ "product_retailer_id": retailer_id, "quantity": quantity, "item_price": price, "currency": currency })
}

#[test]
fn metas_example_order_has_its_items_and_total() {
    // Meta, Order messages webhook reference: catalog 194836987003835, `di9ozbzfi4`, 2 × 7.99 USD.
    let content = order_of(
        json!({ "catalog_id": "194836987003835", "text": "Love these!",
                                   "product_items": [item("di9ozbzfi4", json!(2), json!(7.99), "USD")] }),
    );
    let MessageContent::Order(order) = &content else {
        panic!("{content:?}")
    };
    assert_eq!(
        order,
        &Order {
            catalog_id: Some("194836987003835".into()),
            text: Some("Love these!".into()),
            items: vec![OrderItem {
                product_retailer_id: "di9ozbzfi4".into(),
                quantity: 2,
                item_price: "7.99".into(),
                currency: "USD".into()
            }]
        }
    );
    let total = order.total().unwrap();
    assert_eq!(
        total,
        Money {
            currency: "USD".into(),
            minor_units: 1598,
            exponent: 2
        }
    );
    assert_eq!(total.amount(), "15.98");
    assert_eq!(content.text().as_deref(), Some("Love these!"));
}

#[test]
fn totals_have_no_floating_point_error() {
    // 0.1 × 3 + 0.2 is 0.5000000000000001 in f64.
    let content = order_of(json!({ "product_items": [
        item("a", json!(3), json!(0.1), "EUR"), item("b", json!(1), json!(0.2), "EUR")] }));
    let MessageContent::Order(order) = content else {
        panic!()
    };
    assert_eq!(order.total().unwrap().minor_units, 50);
    assert_eq!(order.total().unwrap().amount(), "0.50");
}

#[test]
fn currencies_have_their_own_minor_units() {
    let total = |price: Value, currency: &str| {
        let content = order_of(json!({ "product_items": [item("x", json!(2), price, currency)] }));
        let MessageContent::Order(order) = content else {
            panic!()
        };
        order.total()
    };
    let yen = total(json!(500), "JPY").unwrap();
    assert_eq!((yen.minor_units, yen.amount()), (1000, "1000".into()));
    let dinar = total(json!(1.25), "KWD").unwrap();
    assert_eq!((dinar.minor_units, dinar.amount()), (2500, "2.500".into()));
    assert_eq!(
        total(json!(7.999), "USD"),
        Err(OrderTotalError::TooPrecise {
            price: "7.999".into(),
            currency: "USD".into()
        })
    );
    assert_eq!(
        total(json!(1.5), "JPY").unwrap_err().to_string(),
        "the price 1.5 is finer than the smallest unit of JPY"
    );
    assert_eq!(
        total(json!(1), "usd"),
        Err(OrderTotalError::UnknownCurrency("usd".into()))
    );
}

#[test]
fn nonsense_totals_are_refused_with_the_reason() {
    let order = |items: Vec<OrderItem>| Order {
        catalog_id: None,
        text: None,
        items,
    };
    let line = |price: &str, quantity: u64, currency: &str| OrderItem {
        product_retailer_id: "x".into(),
        quantity,
        item_price: price.into(),
        currency: currency.into(),
    };
    assert_eq!(order(vec![]).total(), Err(OrderTotalError::Empty));
    assert_eq!(
        order(vec![line("1", 1, "USD"), line("1", 1, "EUR")]).total(),
        Err(OrderTotalError::MixedCurrencies("USD".into(), "EUR".into()))
    );
    assert_eq!(
        order(vec![
            line("184467440737095516.15", 1, "USD"),
            line("0.01", 1, "USD")
        ])
        .total(),
        Err(OrderTotalError::Overflow)
    );
    assert_eq!(
        order(vec![line("1000", u64::MAX, "USD")]).total(),
        Err(OrderTotalError::Overflow)
    );
}

#[test]
fn an_order_that_makes_no_sense_is_kept_with_the_reason() {
    for (items, why) in [
        (json!([item("x", json!(0), json!(1), "USD")]), "quantity"),
        (json!([item("x", json!(1.5), json!(1), "USD")]), "quantity"),
        (json!([item("x", json!(1), json!(-1), "USD")]), "item_price"),
        (
            json!([item("x", json!(1), json!("abc"), "USD")]),
            "item_price",
        ),
        (
            json!([{ "quantity": 1, "item_price": 1, "currency": "USD" }]),
            "product_retailer_id",
        ),
        (json!("nope"), "product_items"),
    ] {
        let content = order_of(json!({ "catalog_id": "1", "product_items": items }));
        assert!(
            matches!(&content, MessageContent::Other { original_type, reason: Some(r) }
                if original_type == "order" && r.contains(why)),
            "{why}: {content:?}"
        );
    }
}

#[test]
fn decimal_text_becomes_minor_units_exactly() {
    for (text, exponent, units) in [
        ("7.99", 2, 799),
        ("30", 2, 3000),
        ("30.0", 2, 3000),
        ("7.990", 2, 799),
        ("1e3", 2, 100_000),
        ("7.5E-1", 2, 75),
        ("0", 2, 0),
        ("0.000", 0, 0),
        ("18446744073709551615", 0, u64::MAX),
    ] {
        assert_eq!(decimal_to_minor_units(text, exponent), Ok(units), "{text}");
    }
    for text in [
        "-1",
        "+1",
        ".5",
        "1e",
        "NaN",
        "1,5",
        "",
        "1e999",
        &"1".repeat(50),
    ] {
        assert!(
            matches!(
                decimal_to_minor_units(text, 2),
                Err(OrderTotalError::NotAPrice(_))
            ),
            "{text}"
        );
    }
    assert_eq!(
        decimal_to_minor_units("18446744073709551615", 2),
        Err(OrderTotalError::Overflow)
    );
    assert_eq!(currency_exponent("BHD"), Some(3));
    assert_eq!(currency_exponent("BRL"), Some(2));
    assert_eq!(currency_exponent("US"), None);
}
