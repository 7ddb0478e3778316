//! Web Push, for members whose console is closed: the routes that hand out the VAPID key and
//! keep browsers' subscriptions (`api`), sending the pushes after the answer (`service`), and
//! their D1 statements (`store`). The rules (VAPID, encryption, coalescing, payload, who hears
//! of what) are `switchboard_core::web_push`.

pub mod api;
pub mod service;
pub mod store;
