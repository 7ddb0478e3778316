-- Customer identities (issue 23): per connected number, what is known of a WhatsApp customer by
-- their business-scoped user ID (BSUID): the phone number it was seen with (the link: one
-- customer, one history, filed under the phone number), the parent BSUID, and the username
-- (display only; it can change, so the newest message's word wins — `updated_at` is that
-- message's own timestamp). A BSUID-only message looks its phone number up here in the one
-- context read (primary key), and the inbox finds a customer by username or phone number.
CREATE TABLE customer_identities (
  phone_number_id TEXT NOT NULL,
  bsuid TEXT NOT NULL,
  phone TEXT,
  parent_bsuid TEXT,
  username TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (phone_number_id, bsuid)
);
CREATE INDEX customer_identities_by_phone ON customer_identities (phone_number_id, phone)
  WHERE phone IS NOT NULL;
CREATE INDEX customer_identities_by_username ON customer_identities (username COLLATE NOCASE)
  WHERE username IS NOT NULL;
-- Links already in stored messages: a customer message that named both `from` and
-- `from_user_id` (kept whole in `raw`) since BSUIDs appeared in April 2026.
INSERT OR IGNORE INTO customer_identities (phone_number_id, bsuid, phone, parent_bsuid, updated_at)
  SELECT phone_number_id, bsuid, wa_id, parent_bsuid, MAX(sent_at) FROM (
    SELECT phone_number_id, wa_id, sent_at,
      CASE WHEN json_valid(raw) THEN json_extract(raw, '$.from_user_id') END AS bsuid,
      CASE WHEN json_valid(raw) THEN json_extract(raw, '$.from_parent_user_id') END AS parent_bsuid
    FROM messages
    WHERE direction = 'inbound' AND phone_number_id IS NOT NULL AND wa_id IS NOT NULL
      AND instr(wa_id, '.') = 0 AND raw IS NOT NULL)
  WHERE bsuid IS NOT NULL AND instr(bsuid, '.') > 0
  GROUP BY phone_number_id, bsuid;
