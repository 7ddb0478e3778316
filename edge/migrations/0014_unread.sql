-- Unread, per member (issue 21): how far each member has read each conversation — the storage
-- order (rowid) of the newest message they have seen. A conversation has unread messages for a
-- member while it holds a customer's message past that point. `member` is the member's email, or
-- 'admin-token' for the admin token.
CREATE TABLE conversation_reads (
  conversation_id TEXT NOT NULL,
  member TEXT NOT NULL,
  read_seq INTEGER NOT NULL,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, member)
);
