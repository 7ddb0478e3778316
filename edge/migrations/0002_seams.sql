-- The seams between steps: what makes a handoff, a status, a visitor's first message and an
-- odd delivery item safe when they race, die halfway or carry nonsense.

-- Items of signed deliveries that could not be understood (a status we do not know, a message
-- without an id, a timestamp outside the sane window): acknowledged to Meta, kept for the owner.
-- The id is a hash of the number, reason and raw item, so a redelivery is kept once.
CREATE TABLE not_understood_items (
  id              TEXT PRIMARY KEY,
  phone_number_id TEXT,
  received_at     INTEGER NOT NULL,
  path            TEXT NOT NULL,
  reason          TEXT NOT NULL,
  raw             TEXT NOT NULL
);
CREATE INDEX not_understood_by_time ON not_understood_items (received_at);

-- Statuses that arrived before the send they report was recorded (Graph answered, but our
-- write of the wamid had not landed yet). Applied when the send is recorded; purged after a day.
CREATE TABLE pending_statuses (
  wamid       TEXT PRIMARY KEY,
  status      TEXT NOT NULL,
  status_rank INTEGER NOT NULL,
  error_code  INTEGER,
  error_title TEXT,
  received_at INTEGER NOT NULL
);
CREATE INDEX pending_statuses_by_time ON pending_statuses (received_at);

-- A handoff code remembers which WhatsApp message claimed it, and the claim token of the batch
-- that did: the link and the message insert run in that same batch, conditioned on the token.
ALTER TABLE handoff_codes ADD COLUMN used_by_wamid TEXT;
ALTER TABLE handoff_codes ADD COLUMN claim_token TEXT;
CREATE INDEX handoff_codes_by_claim ON handoff_codes (claim_token) WHERE claim_token IS NOT NULL;
CREATE INDEX handoff_codes_by_expiry ON handoff_codes (expires_at);

-- Unrouted deliveries are replayed once their number is connected.
ALTER TABLE unrouted_events ADD COLUMN replayed_at INTEGER;
CREATE INDEX unrouted_waiting ON unrouted_events (phone_number_id) WHERE replayed_at IS NULL;

-- The reset rule's neighbours count both directions (a customer answering the business's
-- template continues that conversation): the thread of a WhatsApp user on a number, by time.
CREATE INDEX messages_by_whatsapp_thread ON messages (phone_number_id, wa_id, sent_at);

-- Repair values stored before timestamps were bounded (2009-01-01 .. 2100-01-01 here; new
-- deliveries are held to one day past now): a message's time becomes the time we received it,
-- and each clock of its conversation is recomputed from its messages.
UPDATE messages SET sent_at = received_at / 1000
  WHERE sent_at < 1230768000 OR sent_at > 4102444800;
UPDATE conversations SET
  opened_at = COALESCE((SELECT MIN(sent_at) FROM messages m WHERE m.conversation_id = conversations.id), opened_at),
  last_message_at = COALESCE((SELECT MAX(sent_at) FROM messages m WHERE m.conversation_id = conversations.id), last_message_at),
  last_inbound_at = (SELECT MAX(sent_at) FROM messages m WHERE m.conversation_id = conversations.id AND m.direction = 'inbound')
  WHERE opened_at < 1230768000 OR opened_at > 4102444800
     OR last_message_at < 1230768000 OR last_message_at > 4102444800
     OR last_inbound_at < 1230768000 OR last_inbound_at > 4102444800;

-- One open Messenger conversation per visitor (as one open conversation per WhatsApp user):
-- two first messages sent at once can never open two. Older duplicates from before this rule
-- are closed first, keeping the newest open.
UPDATE conversations SET status = 'closed', close_reason = 'agent', closed_at = last_message_at
  WHERE visitor_id IS NOT NULL AND status = 'open' AND handed_off_at IS NULL
    AND rowid NOT IN (SELECT MAX(rowid) FROM conversations
                      WHERE visitor_id IS NOT NULL AND status = 'open' AND handed_off_at IS NULL
                      GROUP BY visitor_id);
CREATE UNIQUE INDEX conversations_one_open_messenger_per_visitor
  ON conversations (visitor_id) WHERE status = 'open' AND handed_off_at IS NULL AND visitor_id IS NOT NULL;
