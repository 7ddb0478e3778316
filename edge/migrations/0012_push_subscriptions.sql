-- Web Push: the browsers members turned push on for (one row per endpoint: subscribing again
-- from the same browser refreshes it), and the coalescing state per subscription and
-- conversation (at most one push per conversation per minute, carrying a count).
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  member TEXT NOT NULL,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_member ON push_subscriptions (member);

-- No foreign key: a subscription deleted while a push is decided must not fail that batch;
-- deleting a subscription deletes its rows here in the same batch.
CREATE TABLE push_coalescing (
  subscription_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  last_sent_at INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subscription_id, conversation_id)
);
