-- The team (issue 20): members signed in with Cloudflare Access, with a role each; who did what
-- in a conversation; assignment; private notes; and the audit log of configuration changes.

-- Members, by email (lower case, as core::team::normalize_email writes it). A removed member's
-- row is gone, so their next request is refused even while their Access session lasts.
-- round_robin_turn: when the member last got a conversation in turn (a counter, not a time, so
-- two conversations in the same second still go to two people).
CREATE TABLE team_members (
  email TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
  added_at INTEGER NOT NULL,
  round_robin_turn INTEGER
);

-- Who a conversation is assigned to (a member's email; NULL: unassigned). The inbox filters by it.
ALTER TABLE conversations ADD COLUMN assignee_email TEXT;
CREATE INDEX conversations_by_assignee ON conversations (assignee_email, last_message_at);

-- Who sent an agent's reply or attachment: the member's email and the display name they had
-- then (NULL for the admin token: author_name 'Admin'; NULL on inbound messages).
ALTER TABLE messages ADD COLUMN author_email TEXT;
ALTER TABLE messages ADD COLUMN author_name TEXT;

-- What agents did in a conversation besides messages: private notes (never sent anywhere),
-- close, reopen, unlink, retry, assignment. Shown in the thread, in time order.
CREATE TABLE conversation_activity (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('note', 'closed', 'reopened', 'unlinked', 'retried', 'assigned', 'unassigned')),
  actor_email TEXT,
  actor_name TEXT NOT NULL,
  -- A note's text; for an assignment, the assignee's email.
  body TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX conversation_activity_by_conversation ON conversation_activity (conversation_id, at);

-- Who changed which setting, number or member, when, from what to what (secrets redacted:
-- core::audit). One JSON entry per line; newest first by id.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  entry TEXT NOT NULL
);

-- Per number, the members new WhatsApp conversations are assigned to in turn (none: nobody).
CREATE TABLE round_robin (
  phone_number_id TEXT NOT NULL,
  email TEXT NOT NULL,
  PRIMARY KEY (phone_number_id, email)
);

-- A new WhatsApp conversation on a number with chosen members goes to the one whose turn it is
-- (the longest since their last, never first; removed members are skipped by the join), in the
-- same transaction as its insert: no extra round trip, and two at once go to two people.
CREATE TRIGGER conversations_round_robin AFTER INSERT ON conversations
WHEN NEW.channel = 'whatsapp' AND NEW.assignee_email IS NULL AND NEW.phone_number_id IS NOT NULL
BEGIN
  UPDATE conversations SET assignee_email = (
    SELECT m.email FROM round_robin r JOIN team_members m ON m.email = r.email
    WHERE r.phone_number_id = NEW.phone_number_id
    ORDER BY m.round_robin_turn IS NOT NULL, m.round_robin_turn, m.email LIMIT 1
  ) WHERE id = NEW.id;
  UPDATE team_members SET round_robin_turn = (SELECT COALESCE(MAX(round_robin_turn), 0) + 1 FROM team_members)
  WHERE email = (SELECT assignee_email FROM conversations WHERE id = NEW.id);
END;
