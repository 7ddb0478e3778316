-- Conversations and messages of every channel, with the indexes that keep each
-- webhook's lookups (dedupe by wamid, the user's neighbouring messages, the
-- user's open conversation) at a constant cost as the tables grow.

CREATE TABLE conversations (
  id                TEXT PRIMARY KEY,
  channel           TEXT NOT NULL CHECK (channel IN ('messenger', 'whatsapp')),
  status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  close_reason      TEXT CHECK (close_reason IN ('reset', 'agent', 'handoff')),
  phone_number_id   TEXT,
  wa_id             TEXT,
  contact_name      TEXT,
  visitor_id        TEXT,
  handed_off_at     INTEGER,
  opened_at         INTEGER NOT NULL,
  closed_at         INTEGER,
  last_message_at   INTEGER NOT NULL,
  last_inbound_at   INTEGER,
  first_response_at INTEGER
);

-- One open conversation per WhatsApp user and number: two messages processed at
-- the same moment can never open two conversations.
CREATE UNIQUE INDEX conversations_one_open_per_whatsapp_user
  ON conversations (phone_number_id, wa_id) WHERE status = 'open' AND wa_id IS NOT NULL;
CREATE INDEX conversations_by_visitor ON conversations (visitor_id, opened_at) WHERE visitor_id IS NOT NULL;
CREATE INDEX conversations_by_number ON conversations (phone_number_id, last_message_at);
CREATE INDEX conversations_by_recency ON conversations (last_message_at);

CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  wamid           TEXT,
  channel         TEXT NOT NULL CHECK (channel IN ('messenger', 'whatsapp')),
  direction       TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  phone_number_id TEXT,
  wa_id           TEXT,
  type            TEXT NOT NULL,
  text            TEXT,
  content         TEXT,
  reply_to        TEXT,
  raw             TEXT,
  sent_at         INTEGER NOT NULL,
  received_at     INTEGER NOT NULL,
  status          TEXT,
  status_rank     INTEGER,
  error_code      INTEGER,
  error_title     TEXT
);

-- Meta redelivers: a wamid is stored once.
CREATE UNIQUE INDEX messages_wamid ON messages (wamid) WHERE wamid IS NOT NULL;
CREATE INDEX messages_by_conversation ON messages (conversation_id, sent_at);
CREATE INDEX messages_by_whatsapp_user ON messages (phone_number_id, wa_id, direction, sent_at);

CREATE TABLE handoff_codes (
  code            TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id),
  phone_number_id TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  used_at         INTEGER,
  used_by_wa_id   TEXT
);

-- Deliveries for numbers that are not connected: acknowledged to Meta, kept for the owner.
CREATE TABLE unrouted_events (
  id              TEXT PRIMARY KEY,
  phone_number_id TEXT NOT NULL,
  received_at     INTEGER NOT NULL,
  message_count   INTEGER NOT NULL,
  status_count    INTEGER NOT NULL,
  payload         TEXT NOT NULL
);
CREATE INDEX unrouted_by_time ON unrouted_events (received_at);
