//! Deliveries the inbox does not show yet — the Business app's echoes (`smb_message_echoes`) and
//! history sync of coexistence numbers — kept whole beside the not-understood items, so that
//! nothing Meta sends is lost before the inbox can show it.

use switchboard_core::webhook::{Delivery, NotUnderstood};

/// One item per change that carries echoes or history, holding the change's `value`.
pub fn items(delivery: &Delivery) -> Vec<NotUnderstood> {
    delivery
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.echoes.is_empty() || !c.history.is_empty())
        .map(|(i, c)| NotUnderstood {
            path: format!("changes[{i}].value"),
            reason: format!(
                "{:?}: kept whole; the inbox does not show the Business app's echoes or history yet",
                c.field
            ),
            phone_number_id: Some(c.phone_number_id.clone()),
            raw: c.value.clone(),
        })
        .collect()
}
