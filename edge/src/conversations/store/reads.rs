//! Reading a thread: one page of messages (newest, before a cursor, or since one), one
//! message, and the messages a page quotes.

use switchboard_core::api::ThreadCursor;

use super::{ConversationStore, MESSAGE_COLUMNS};
use crate::args;
use crate::conversations::rows::MessageRow;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, Arg};

/// Which messages of a thread to read.
pub struct ThreadPage<'a> {
    pub conversation_id: &'a str,
    /// Only this channel's messages (the Messenger shows its own).
    pub channel: Option<&'a str>,
    pub range: PageRange,
    pub limit: i64,
}

pub enum PageRange {
    Newest,
    Before(ThreadCursor),
    /// Every message from the cursor on (up to [`MAX_SINCE`]): a client's live window.
    Since(ThreadCursor),
}

/// Most messages a `since` read returns.
pub const MAX_SINCE: i64 = 500;

pub struct MessagePage {
    pub messages: Vec<MessageRow>,
    pub older: Option<ThreadCursor>,
}

impl ConversationStore {
    /// One page of a thread, oldest first, in the order `(sent_at, seq)` (seq: storage order).
    /// Every page is an index range scan on `messages_by_conversation`, whatever the thread's
    /// length; the page before is asked for with `older` of the answer.
    pub async fn messages_page(&self, page: &ThreadPage<'_>) -> Result<MessagePage, EdgeError> {
        let mut clauses = vec!["conversation_id = ?1".to_owned()];
        let mut values: Vec<Arg<'_>> = vec![Arg::from(page.conversation_id)];
        if let Some(channel) = page.channel {
            values.push(Arg::from(channel));
            clauses.push(format!("channel = ?{}", values.len()));
        }
        let (order, limit) = match page.range {
            PageRange::Newest => ("DESC", page.limit),
            PageRange::Before(c) => {
                values.extend([Arg::from(c.sent_at), Arg::from(c.seq)]);
                let n = values.len();
                clauses.push(format!("(sent_at, rowid) < (?{}, ?{n})", n - 1));
                ("DESC", page.limit)
            }
            PageRange::Since(c) => {
                values.extend([Arg::from(c.sent_at), Arg::from(c.seq)]);
                let n = values.len();
                clauses.push(format!("(sent_at, rowid) >= (?{}, ?{n})", n - 1));
                ("ASC", MAX_SINCE)
            }
        };
        values.push(Arg::from(limit + 1));
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE {} ORDER BY sent_at {order}, rowid {order} LIMIT ?{}",
            clauses.join(" AND "),
            values.len()
        );
        let mut rows: Vec<MessageRow> =
            decode_rows(&self.stmt(&sql, &values)?.all().await?, "message")?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        if order == "DESC" {
            rows.reverse();
        }
        let older = match page.range {
            PageRange::Since(_) => None,
            _ if more => rows.first().map(MessageRow::cursor),
            _ => None,
        };
        Ok(MessagePage {
            messages: rows,
            older,
        })
    }

    /// One message of a conversation.
    pub async fn message(
        &self,
        conversation_id: &str,
        message_id: &str,
    ) -> Result<Option<MessageRow>, EdgeError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1 AND conversation_id = ?2"
        );
        Ok(self
            .stmt(&sql, args![message_id, conversation_id])?
            .first(None)
            .await?)
    }

    /// The messages of a conversation with these ids (the ones a page's replies quote), in one
    /// read; ids that are not there are left out.
    pub async fn messages_by_id(
        &self,
        conversation_id: &str,
        ids: &[&str],
    ) -> Result<Vec<MessageRow>, EdgeError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(ids)
            .map_err(|e| EdgeError::Internal(format!("message ids: {e}")))?;
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 \
             AND id IN (SELECT value FROM json_each(?2))"
        );
        decode_rows(
            &self
                .stmt(&sql, args![conversation_id, ids.as_str()])?
                .all()
                .await?,
            "message",
        )
    }
}
