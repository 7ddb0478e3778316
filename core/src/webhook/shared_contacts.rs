//! `contacts` messages: contact cards a customer shares (Meta, *Contacts messages webhook
//! reference*, updated Jun 17, 2026: "many contact properties may be omitted"). Every property is
//! optional; a card that is not an object is passed over (the raw JSON keeps it). The vCard for a
//! download is written by [`crate::vcard`].
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::nonempty;

/// One shared contact card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SharedContact {
    #[serde(default)]
    pub name: ContactName,
    #[serde(default)]
    pub phones: Vec<ContactPhone>,
    #[serde(default)]
    pub emails: Vec<ContactEmail>,
    #[serde(default)]
    pub urls: Vec<ContactUrl>,
    #[serde(default)]
    pub addresses: Vec<ContactAddress>,
    pub org: Option<ContactOrg>,
    /// `YYYY-MM-DD` as sent.
    pub birthday: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactName {
    pub formatted_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhone {
    pub phone: Option<String>,
    /// The number's WhatsApp id, when it is on WhatsApp.
    pub wa_id: Option<String>,
    /// `CELL`, `MAIN`, `IPHONE`, `HOME`, `WORK`…
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEmail {
    pub email: String,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUrl {
    pub url: String,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactAddress {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContactOrg {
    pub company: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
}

impl SharedContact {
    /// The name to show: `formatted_name`, else first and last name, else the first phone
    /// number or e-mail address, else "Contact".
    pub fn display_name(&self) -> String {
        let n = &self.name;
        let parts: Vec<&str> = [&n.first_name, &n.last_name]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        n.formatted_name
            .clone()
            .or_else(|| (!parts.is_empty()).then(|| parts.join(" ")))
            .or_else(|| self.phones.iter().find_map(|p| p.phone.clone()))
            .or_else(|| self.emails.first().map(|e| e.email.clone()))
            .unwrap_or_else(|| "Contact".to_owned())
    }
}

pub(super) fn parse_shared_contacts(body: &Value) -> Result<Vec<SharedContact>, String> {
    let cards = body.as_array().ok_or("contacts: not an array")?;
    Ok(cards
        .iter()
        .filter(|c| c.is_object())
        .map(parse_card)
        .collect())
}

fn parse_card(c: &Value) -> SharedContact {
    let list = |key: &str| -> Vec<&Value> {
        c.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter(|i| i.is_object()).collect())
            .unwrap_or_default()
    };
    let name = c.get("name").unwrap_or(&Value::Null);
    let org = c.get("org").filter(|o| o.is_object()).map(|o| ContactOrg {
        company: nonempty(o, "company"),
        department: nonempty(o, "department"),
        title: nonempty(o, "title"),
    });
    SharedContact {
        name: ContactName {
            formatted_name: nonempty(name, "formatted_name"),
            first_name: nonempty(name, "first_name"),
            last_name: nonempty(name, "last_name"),
            middle_name: nonempty(name, "middle_name"),
            prefix: nonempty(name, "prefix"),
            suffix: nonempty(name, "suffix"),
        },
        phones: list("phones")
            .into_iter()
            .map(|p| ContactPhone {
                phone: nonempty(p, "phone"),
                wa_id: nonempty(p, "wa_id"),
                kind: nonempty(p, "type"),
            })
            .filter(|p| p.phone.is_some() || p.wa_id.is_some())
            .collect(),
        emails: list("emails")
            .into_iter()
            .filter_map(|e| {
                Some(ContactEmail {
                    email: nonempty(e, "email")?,
                    kind: nonempty(e, "type"),
                })
            })
            .collect(),
        urls: list("urls")
            .into_iter()
            .filter_map(|u| {
                Some(ContactUrl {
                    url: nonempty(u, "url")?,
                    kind: nonempty(u, "type"),
                })
            })
            .collect(),
        addresses: list("addresses")
            .into_iter()
            .map(|a| ContactAddress {
                street: nonempty(a, "street"),
                city: nonempty(a, "city"),
                state: nonempty(a, "state"),
                zip: nonempty(a, "zip"),
                country: nonempty(a, "country"),
                country_code: nonempty(a, "country_code"),
                kind: nonempty(a, "type"),
            })
            .collect(),
        org,
        birthday: nonempty(c, "birthday"),
    }
}
