//! Media files in R2 (binding `MEDIA`): inbound WhatsApp media fetched after the webhook is
//! answered, retried with backoff by the Cron Trigger, and served to the console only.

pub mod api;
pub mod fetch;
pub mod store;
pub mod sweep;
