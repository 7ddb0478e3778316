-- Agent replies carry the client's idempotency key: the same key again (a double click, a retried
-- request) finds the message already stored instead of sending it twice.
ALTER TABLE messages ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX messages_client_key ON messages (conversation_id, client_key) WHERE client_key IS NOT NULL;
