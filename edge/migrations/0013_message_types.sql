-- Every WhatsApp message type shown as it was meant (issue 23): what a later message does to an
-- earlier one (an edit, a deletion, a reaction), the ad a conversation came from, and what was
-- sent back to the customer (read receipt, typing indicator) so each is sent once.
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
-- JSON array of what the message said before each edit: [{"text", "content", "until"}].
ALTER TABLE messages ADD COLUMN edit_history TEXT;
ALTER TABLE messages ADD COLUMN revoked_at INTEGER;
ALTER TABLE messages ADD COLUMN customer_reaction TEXT;
-- The reacting message's own time: a reaction older than the one shown never replaces it.
ALTER TABLE messages ADD COLUMN customer_reaction_at INTEGER;
ALTER TABLE messages ADD COLUMN agent_reaction TEXT;
-- The click-to-WhatsApp ad or post (Meta's `referral`, JSON) of the conversation's first message.
ALTER TABLE conversations ADD COLUMN referral TEXT;
-- Per WhatsApp conversation: the customer message last marked read, and when "typing…" was last
-- sent (Meta shows it 25 s; it is sent at most every 20 s).
CREATE TABLE whatsapp_receipts (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
  read_wamid      TEXT,
  read_at         INTEGER,
  typing_at       INTEGER
);
