-- Opening hours: a conversation opened while the business was closed is marked, so the inbox can
-- show it and the reply time a visitor is promised counts only conversations opened in hours.
ALTER TABLE conversations ADD COLUMN opened_after_hours INTEGER NOT NULL DEFAULT 0;
-- The reply-time median reads recent conversations opened in hours that got a first response.
CREATE INDEX conversations_first_response_in_hours
  ON conversations (opened_at, first_response_at) WHERE opened_after_hours = 0 AND first_response_at IS NOT NULL;
