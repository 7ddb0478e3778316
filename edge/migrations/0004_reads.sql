-- Reads that stay fast as history grows: the inbox's search by customer (their WhatsApp number)
-- is an index range, newest first, instead of a scan of every conversation by recency.
CREATE INDEX conversations_by_customer ON conversations (wa_id, last_message_at) WHERE wa_id IS NOT NULL;
