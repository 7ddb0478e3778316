//! The D1 statements of conversations and messages, by what they touch: `conversations`
//! (opening, clocks, closing, listing, unlinking, assigning), `messages` (inserts, retries, send
//! results), `reads` (a thread's pages), `activity` (notes and what agents did) and `unread` (how far
//! each member has read). Other features keep their own statements in their stores.

use std::ops::Deref;

use worker::Env;

use crate::error::EdgeError;
use crate::platform::d1::Db;

mod activity;
mod conversations;
mod messages;
mod reads;
mod unread;

pub use activity::NewActivity;
pub use conversations::ConversationFilter;
pub use reads::{PageRange, ThreadPage};

pub(crate) const CONVERSATION_COLUMNS: &str = "c.id, c.channel, c.status, c.close_reason, c.phone_number_id, c.wa_id, \
     c.contact_name, c.visitor_id, c.handed_off_at, c.link_disputed_at, c.unlinked_at, c.handoff_offered_at, c.opened_at, c.closed_at, c.last_message_at, \
     c.last_inbound_at, c.last_outbound_at, c.opened_after_hours, c.assignee_email, c.referral, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count, \
     (SELECT i.username FROM customer_identities i WHERE i.phone_number_id = c.phone_number_id \
       AND (i.bsuid = c.wa_id OR i.phone = c.wa_id) AND i.username IS NOT NULL ORDER BY i.updated_at DESC LIMIT 1) AS username";

pub(crate) const MESSAGE_COLUMNS: &str =
    "id, rowid AS seq, wamid, channel, direction, type, text, content, reply_to, \
     sent_at, received_at, status, error_code, error_title, detached_at, author_name, author_email, \
     edited_at, edit_history, revoked_at, customer_reaction, agent_reaction, \
     (SELECT json_object('state', x.state, 'kind', x.kind, 'mime_type', x.mime_type, 'filename', x.filename, \
       'size', x.size, 'error', x.error) FROM media x WHERE x.message_id = messages.id) AS media";

/// The conversation and message statements, over the one D1 handle (it derefs to [`Db`], so it
/// can be passed where another feature's store needs only the handle).
pub struct ConversationStore {
    db: Db,
}

impl ConversationStore {
    pub fn new(env: &Env) -> Result<Self, EdgeError> {
        Ok(Self { db: Db::new(env)? })
    }
}

impl Deref for ConversationStore {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}
