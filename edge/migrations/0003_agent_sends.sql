-- Agent replies carry the client's idempotency key: the same key again (a double click, a retried
-- request) finds the message already stored instead of sending it twice.
ALTER TABLE messages ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX messages_client_key ON messages (conversation_id, client_key) WHERE client_key IS NOT NULL;

-- A handoff code links whoever sends it first. The visitor can say "Not me?" (link_disputed_at);
-- an agent can undo a wrong link (unlinked_at): the conversation returns to the Messenger, and the
-- WhatsApp messages stay in it, marked (detached_at), and no longer count for that WhatsApp user.
ALTER TABLE conversations ADD COLUMN link_disputed_at INTEGER;
ALTER TABLE conversations ADD COLUMN unlinked_at INTEGER;
ALTER TABLE messages ADD COLUMN detached_at INTEGER;
