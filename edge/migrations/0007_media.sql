-- Media: the file behind a message (a customer's photo, voice note, document; an attachment the
-- business or a website visitor sent), kept in R2 (binding MEDIA) under `media/<message id>`.
-- An inbound file is fetched from the Graph API after the webhook has been answered; `state`
-- moves pending → fetching (leased) → stored, or back to pending with a later attempt, or to
-- unavailable with the reason. One row per message, so a redelivery never fetches twice.
CREATE TABLE media (
  message_id      TEXT PRIMARY KEY REFERENCES messages (id),
  media_id        TEXT,            -- Meta's media id (inbound, or after an upload)
  phone_number_id TEXT,
  kind            TEXT NOT NULL,   -- image, audio, video, document, sticker
  mime_type       TEXT,
  filename        TEXT,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'fetching', 'stored', 'unavailable')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  lease_until     INTEGER,
  size            INTEGER,
  sha256          TEXT,
  error           TEXT,
  updated_at      INTEGER NOT NULL
);
-- The Cron Trigger's retry sweep.
CREATE INDEX media_due ON media (next_attempt_at) WHERE state IN ('pending', 'fetching');
