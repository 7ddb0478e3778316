-- Where each rolling sweep of the Cron Trigger stands (media: R2 objects that no row references,
-- left by an isolate that died between its R2 write and its D1 row, or by a refused write).
CREATE TABLE sweep_cursors (
  name       TEXT PRIMARY KEY,
  cursor     TEXT,                -- R2 list cursor; NULL: start from the beginning
  updated_at INTEGER NOT NULL
);

-- Errors Meta reported for a whole delivery (`entry[].changes[].value.errors`), not for one
-- message or status: shown on the console's Webhook page. A redelivery of the same error is
-- one row (its `fingerprint`), seen again.
CREATE TABLE meta_errors (
  fingerprint     TEXT PRIMARY KEY, -- sha256 of the number and the error's JSON
  phone_number_id TEXT,
  code            INTEGER,
  title           TEXT,
  message         TEXT,
  details         TEXT,
  raw             TEXT NOT NULL,
  first_seen_at   INTEGER NOT NULL,
  last_seen_at    INTEGER NOT NULL
);
CREATE INDEX meta_errors_recent ON meta_errors (last_seen_at);
