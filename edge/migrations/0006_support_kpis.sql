-- Support KPIs, CSAT and WhatsApp's 24-hour window.
-- When the business last wrote (the window flag: is the customer's last message unanswered?).
ALTER TABLE conversations ADD COLUMN last_outbound_at INTEGER;
UPDATE conversations SET last_outbound_at =
  (SELECT MAX(sent_at) FROM messages WHERE messages.conversation_id = conversations.id AND direction = 'outbound');
-- Who resolved a conversation closed with reason 'agent': 'agent', or 'auto' (auto-resolve).
ALTER TABLE conversations ADD COLUMN resolved_by TEXT CHECK (resolved_by IN ('agent', 'auto'));

-- One survey per conversation, asked once, when it is resolved. An answer (a second replaces the
-- first) is matched by the survey's id, so it rates this conversation whatever happened since.
CREATE TABLE csat_surveys (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL UNIQUE REFERENCES conversations (id),
  channel         TEXT NOT NULL CHECK (channel IN ('messenger', 'whatsapp')),
  outcome         TEXT NOT NULL CHECK (outcome IN ('asked', 'window_closed', 'send_failed')),
  question        TEXT NOT NULL,
  asked_at        INTEGER NOT NULL,
  wamid           TEXT,
  score           INTEGER CHECK (score BETWEEN 1 AND 5),
  answered_at     INTEGER,
  answers         INTEGER NOT NULL DEFAULT 0
);

-- KPIs read the conversations opened in a period.
CREATE INDEX conversations_by_opening ON conversations (opened_at);
-- The inbox's "window closing soon": open WhatsApp conversations by their customer's last message.
CREATE INDEX conversations_open_by_window ON conversations (last_inbound_at)
  WHERE status = 'open' AND channel = 'whatsapp';
