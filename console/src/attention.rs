//! What the inbox does to get a member's attention, as pure rules (tested natively): which new
//! customer messages a list refresh brought, whether one deserves a desktop notification, the
//! tab title with its count, and the one line an inbox row shows of the newest message.

use switchboard_core::api::{Channel, ConversationView, LastMessage};
use switchboard_core::handoff::mask_wa_id;

/// The conversations whose customer wrote since `before` was read: their unread count grew (or
/// they are new with unread messages) and their newest message is the customer's. Nothing on the
/// first read (`before` is `None`): what was there when the page opened is not news.
pub fn new_customer_messages<'a>(
    before: Option<&[ConversationView]>,
    after: &'a [ConversationView],
) -> Vec<&'a ConversationView> {
    let Some(before) = before else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|c| {
            let was = before.iter().find(|b| b.id == c.id).map_or(0, |b| b.unread);
            c.unread > was
                && c.last_message
                    .as_ref()
                    .is_some_and(|m| m.direction == "inbound")
        })
        .collect()
}

/// Whether a new customer message in `c` gets a desktop notification: only while the console
/// sits in a background tab — in front, the list, the title and the sound say it, and the
/// conversation open in front of the member never notifies — and only when it is unassigned or
/// theirs.
pub fn should_notify(tab_visible: bool, c: &ConversationView, me: Option<&str>) -> bool {
    if tab_visible {
        return false;
    }
    match (&c.assignee, me) {
        (None, _) => true,
        (Some(assignee), Some(me)) => assignee == me,
        // The admin token is no member: it hears of everything.
        (Some(_), None) => true,
    }
}

/// The tab's title with the count of conversations holding unseen messages: "(3) Inbox · …".
pub fn titled(count: i64, title: &str) -> String {
    let bare = strip_count(title);
    if count > 0 {
        format!("({count}) {bare}")
    } else {
        bare.to_owned()
    }
}

/// A title without its "(n) " count.
pub fn strip_count(title: &str) -> &str {
    title
        .strip_prefix('(')
        .and_then(|rest| rest.split_once(") "))
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map_or(title, |(_, rest)| rest)
}

/// The customer's name, else their WhatsApp username, else their phone number masked (a row and
/// a desktop notification are seen over a shoulder; a username-only customer's BSUID is no
/// number and never shown), else "Website visitor".
pub fn who(c: &ConversationView) -> String {
    if let Some(name) = &c.contact_name {
        return name.clone();
    }
    if c.channel == Channel::Messenger {
        return "Website visitor".to_owned();
    }
    c.username
        .as_ref()
        .map(|u| format!("@{u}"))
        .or_else(|| c.phone.as_deref().map(mask_wa_id))
        .or_else(|| {
            c.wa_id
                .as_deref()
                .filter(|w| !w.contains('.'))
                .map(mask_wa_id)
        })
        .unwrap_or_else(|| "WhatsApp customer".to_owned())
}

/// One line of the newest message, with its sender: the customer's words as they are, an
/// agent's after their name ("Ana: On its way"), a file or other type by what it is.
pub fn last_line(m: &LastMessage) -> String {
    let what = match m.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => one_line(text, 90),
        None => type_label(&m.kind).to_owned(),
    };
    if m.direction == "inbound" {
        what
    } else {
        format!("{}: {what}", m.author_name.as_deref().unwrap_or("You"))
    }
}

fn type_label(kind: &str) -> &'static str {
    match kind {
        "image" => "Photo",
        "video" => "Video",
        "audio" | "voice" => "Voice message",
        "document" => "Document",
        "sticker" => "Sticker",
        "location" => "Location",
        "contacts" => "Contact card",
        "reaction" => "Reaction",
        "order" => "Order",
        "template" => "Template",
        "interactive" | "button" => "Reply",
        _ => "Message",
    }
}

/// The text on one line, cut at `max` characters with "…".
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::api::ConversationStatus;

    fn conversation(
        id: &str,
        unread: i64,
        inbound: bool,
        assignee: Option<&str>,
    ) -> ConversationView {
        ConversationView {
            id: id.into(),
            channel: Channel::Whatsapp,
            status: ConversationStatus::Open,
            close_reason: None,
            phone_number_id: None,
            wa_id: Some("15550001111".into()),
            contact_name: Some("Carla".into()),
            visitor_id: None,
            handed_off_at: None,
            opened_at: 0,
            closed_at: None,
            last_message_at: 0,
            last_inbound_at: None,
            last_outbound_at: None,
            message_count: 1,
            link_disputed_at: None,
            unlinked_at: None,
            handoff_offered_at: None,
            opened_after_hours: false,
            referral: None,
            username: None,
            phone: None,
            assignee: assignee.map(str::to_owned),
            unread,
            last_message: Some(LastMessage {
                direction: if inbound { "inbound" } else { "outbound" }.into(),
                kind: "text".into(),
                text: Some("Hi".into()),
                author_name: (!inbound).then(|| "Ana".into()),
                sent_at: 0,
            }),
        }
    }

    #[test]
    fn only_what_grew_since_the_last_read_is_news() {
        let before = [
            conversation("a", 1, true, None),
            conversation("b", 0, false, None),
        ];
        let after = [
            conversation("a", 1, true, None),
            conversation("b", 0, false, None),
            conversation("c", 2, true, None),
        ];
        assert!(
            new_customer_messages(None, &after).is_empty(),
            "the first read is not news"
        );
        let news: Vec<&str> = new_customer_messages(Some(&before), &after)
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(news, ["c"]);
        let grew = [conversation("a", 2, true, None)];
        assert_eq!(new_customer_messages(Some(&before), &grew).len(), 1);
        // An agent's reply is not the customer writing.
        let replied = [conversation("a", 2, false, None)];
        assert!(new_customer_messages(Some(&before), &replied).is_empty());
    }

    #[test]
    fn notifications_only_from_a_background_tab_and_for_unassigned_or_mine() {
        let unassigned = conversation("a", 1, true, None);
        let mine = conversation("a", 1, true, Some("ana@example.com"));
        let theirs = conversation("a", 1, true, Some("bob@example.com"));
        let me = Some("ana@example.com");
        assert!(should_notify(false, &unassigned, me));
        assert!(should_notify(false, &mine, me));
        assert!(!should_notify(false, &theirs, me));
        assert!(
            !should_notify(true, &unassigned, me),
            "in front (the open one too): no"
        );
        assert!(
            should_notify(false, &theirs, None),
            "the admin token hears of all"
        );
    }

    #[test]
    fn the_title_carries_the_count_once() {
        assert_eq!(
            titled(3, "Inbox · Switchboard console"),
            "(3) Inbox · Switchboard console"
        );
        assert_eq!(
            titled(4, "(3) Inbox · Switchboard console"),
            "(4) Inbox · Switchboard console"
        );
        assert_eq!(
            titled(0, "(3) Inbox · Switchboard console"),
            "Inbox · Switchboard console"
        );
        assert_eq!(strip_count("(x) Inbox"), "(x) Inbox");
    }

    #[test]
    fn a_row_says_who_wrote_the_last_line() {
        let mut m = conversation("a", 1, true, None).last_message.unwrap();
        m.text = Some("Where is\n my   parcel?".into());
        assert_eq!(last_line(&m), "Where is my parcel?");
        m.direction = "outbound".into();
        m.author_name = Some("Ana".into());
        assert_eq!(last_line(&m), "Ana: Where is my parcel?");
        m.text = None;
        m.kind = "image".into();
        assert_eq!(last_line(&m), "Ana: Photo");
        m.author_name = None;
        assert_eq!(last_line(&m), "You: Photo");
        m.text = Some("x".repeat(200));
        assert_eq!(last_line(&m).chars().count(), "You: ".len() + 91);
    }
}
