//! Deliveries the inbox does not show — the Business app's history sync of coexistence numbers
//! (past chats, not new messages) — kept whole beside the not-understood items, so that nothing
//! Meta sends is lost. The Business app's echoes are stored as outbound messages (`inbound`).

use switchboard_core::webhook::{Delivery, NotUnderstood};

/// One item per change that carries history, holding the change's `value`.
pub fn items(delivery: &Delivery) -> Vec<NotUnderstood> {
    delivery
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.history.is_empty())
        .map(|(i, c)| NotUnderstood {
            path: format!("changes[{i}].value"),
            reason: format!(
                "{:?}: kept whole; the inbox does not show the Business app's history sync",
                c.field
            ),
            phone_number_id: Some(c.phone_number_id.clone()),
            raw: c.value.clone(),
        })
        .collect()
}
