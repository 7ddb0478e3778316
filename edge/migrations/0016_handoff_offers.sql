-- Agent-initiated handoff (issue 23, point 7): an agent offers "Continue on WhatsApp" to the
-- visitor of an open Messenger conversation. The conversation remembers when (the visitor's
-- Messenger then shows the code and QR, issued through the visitor's own handoff path), and the
-- thread's activity says who offered it.
ALTER TABLE conversations ADD COLUMN handoff_offered_at INTEGER;

-- The activity's kinds are a CHECK constraint, which SQLite cannot alter: the table is rebuilt
-- with 'offered_whatsapp' added, rows and index kept.
CREATE TABLE conversation_activity_next (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'closed', 'reopened', 'unlinked', 'retried', 'assigned', 'unassigned', 'offered_whatsapp')),
  actor_email TEXT,
  actor_name TEXT NOT NULL,
  -- A note's text; for an assignment, the assignee's email.
  body TEXT,
  at INTEGER NOT NULL
);
INSERT INTO conversation_activity_next (id, conversation_id, kind, actor_email, actor_name, body, at)
  SELECT id, conversation_id, kind, actor_email, actor_name, body, at FROM conversation_activity;
DROP TABLE conversation_activity;
ALTER TABLE conversation_activity_next RENAME TO conversation_activity;
CREATE INDEX conversation_activity_by_conversation ON conversation_activity (conversation_id, at);
