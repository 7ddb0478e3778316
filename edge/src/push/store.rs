//! The D1 statements of Web Push: members' subscriptions (`push_subscriptions`, one per
//! endpoint) and the coalescing state per subscription and conversation (`push_coalescing`).

use serde::Deserialize;
use switchboard_core::web_push::base64url;
use switchboard_core::web_push::coalesce::CoalesceState;
use switchboard_core::web_push::subscription::Subscription;

use crate::args;
use crate::error::EdgeError;
use crate::platform::d1::{decode_rows, returned_a_row, Db};

pub struct PushStore<'a>(pub &'a Db);

/// A subscription with this conversation's coalescing state, as the sender reads it.
#[derive(Deserialize)]
pub struct Recipient {
    pub id: String,
    pub member: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub last_sent_at: Option<i64>,
    pub pending: Option<u32>,
    /// The conversation's assignee now (a removed member's subscriptions are not read at all).
    #[serde(default)]
    pub assignee: Option<String>,
}

impl Recipient {
    pub fn state(&self) -> CoalesceState {
        CoalesceState {
            last_sent_at: self.last_sent_at,
            pending: self.pending.unwrap_or(0),
        }
    }
}

impl PushStore<'_> {
    /// Stores `subscription` for `member`, or refreshes it (keys, member) if the endpoint is
    /// known: subscribing twice from one browser keeps one row.
    pub async fn save(
        &self,
        id: &str,
        member: &str,
        subscription: &Subscription,
        now: i64,
    ) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "INSERT INTO push_subscriptions (id, member, endpoint, p256dh, auth, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) \
                 ON CONFLICT (endpoint) DO UPDATE SET member = excluded.member, \
                 p256dh = excluded.p256dh, auth = excluded.auth, updated_at = excluded.updated_at",
                args![
                    id,
                    member,
                    subscription.endpoint.as_str(),
                    base64url(&subscription.p256dh).as_str(),
                    base64url(&subscription.auth).as_str(),
                    now
                ],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Forgets `member`'s subscription at `endpoint` and its coalescing state; whether there
    /// was one.
    pub async fn remove(&self, member: &str, endpoint: &str) -> Result<bool, EdgeError> {
        let results = self
            .0
            .batch(vec![
                self.0.stmt(
                    "DELETE FROM push_coalescing WHERE subscription_id IN \
                     (SELECT id FROM push_subscriptions WHERE endpoint = ?1 AND member = ?2)",
                    args![endpoint, member],
                )?,
                self.0.stmt(
                    "DELETE FROM push_subscriptions WHERE endpoint = ?1 AND member = ?2 RETURNING id",
                    args![endpoint, member],
                )?,
            ])
            .await?;
        returned_a_row(results.get(1))
    }

    /// Forgets a subscription the push service no longer knows (it answered 404 or 410).
    pub async fn remove_gone(&self, id: &str) -> Result<(), EdgeError> {
        self.0
            .batch(vec![
                self.0.stmt(
                    "DELETE FROM push_coalescing WHERE subscription_id = ?1",
                    args![id],
                )?,
                self.0
                    .stmt("DELETE FROM push_subscriptions WHERE id = ?1", args![id])?,
            ])
            .await?;
        Ok(())
    }

    /// Forgets coalescing state last pushed before `before` (a day ago, from the Cron Trigger):
    /// after so long the next message is pushed at once anyway, so only the count of messages
    /// held since then is lost.
    pub async fn purge_coalescing(&self, before: i64) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "DELETE FROM push_coalescing WHERE last_sent_at < ?1",
                args![before],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Forgets subscriptions made with an admin token that is no longer the current one (and
    /// those from before subscriptions were tied to the token), from the Cron Trigger.
    pub async fn purge_stale_admin(&self, admin_member: &str) -> Result<(), EdgeError> {
        self.0
            .stmt(
                "DELETE FROM push_subscriptions WHERE (member = 'admin-token' OR member LIKE 'admin-token:%') AND member != ?1",
                args![admin_member],
            )?
            .run()
            .await?;
        Ok(())
    }

    /// Every subscription, with its coalescing state for `conversation_id` (one query).
    /// Whether anyone subscribed at all (a batch of messages asks once, before reading each
    /// message's recipients).
    pub async fn any(&self) -> Result<bool, EdgeError> {
        #[derive(serde::Deserialize)]
        struct Row {
            any: i64,
        }
        let result = self
            .0
            .stmt(
                "SELECT EXISTS (SELECT 1 FROM push_subscriptions) AS any",
                args![],
            )?
            .all()
            .await?;
        let rows: Vec<Row> = decode_rows(&result, "push subscriptions")?;
        Ok(rows.first().is_some_and(|r| r.any != 0))
    }

    /// A member's, or the current admin token's (`admin_member`); one made with a rotated
    /// token belongs to nobody current and gets nothing.
    pub async fn recipients(
        &self,
        conversation_id: &str,
        admin_member: Option<&str>,
    ) -> Result<Vec<Recipient>, EdgeError> {
        let result = self
            .0
            .stmt(
                "SELECT s.id, s.member, s.endpoint, s.p256dh, s.auth, c.last_sent_at, c.pending, \
                 (SELECT a.assignee_email FROM conversations a WHERE a.id = ?1) AS assignee \
                 FROM push_subscriptions s LEFT JOIN push_coalescing c \
                 ON c.subscription_id = s.id AND c.conversation_id = ?1 \
                 WHERE s.member = ?2 OR EXISTS (SELECT 1 FROM team_members m WHERE m.email = s.member)",
                args![conversation_id, admin_member],
            )?
            .all()
            .await?;
        decode_rows(&result, "push subscription")
    }

    /// Moves each subscription's state from what was read (`before`) to `after`, in one batch;
    /// for each, whether it moved. One that another request moved first (two webhooks for one
    /// conversation at once) stays as that request left it, and its push is that request's.
    pub async fn advance(
        &self,
        conversation_id: &str,
        moves: &[(&str, CoalesceState, CoalesceState)],
    ) -> Result<Vec<bool>, EdgeError> {
        if moves.is_empty() {
            return Ok(Vec::new());
        }
        let mut statements = Vec::with_capacity(moves.len());
        for (subscription_id, before, after) in moves {
            statements.push(self.0.stmt(
                "INSERT INTO push_coalescing (subscription_id, conversation_id, last_sent_at, pending) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (subscription_id, conversation_id) DO UPDATE SET \
                 last_sent_at = excluded.last_sent_at, pending = excluded.pending \
                 WHERE push_coalescing.last_sent_at IS ?5 AND push_coalescing.pending = ?6 \
                 RETURNING subscription_id",
                args![
                    *subscription_id,
                    conversation_id,
                    after.last_sent_at,
                    i64::from(after.pending),
                    before.last_sent_at,
                    i64::from(before.pending)
                ],
            )?);
        }
        let results = self.0.batch(statements).await?;
        (0..moves.len())
            .map(|i| returned_a_row(results.get(i)))
            .collect()
    }
}
