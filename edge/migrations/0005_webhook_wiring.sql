-- The console's Webhook panel: when Meta last completed the verify handshake, last sent a signed
-- delivery (overall, and per number as 'delivery:<phone number id>'), and when a delivery last failed
-- its signature check (with the reason). One row per event kind, upserted after the answer is sent.
CREATE TABLE webhook_wiring (
  event TEXT PRIMARY KEY,
  at INTEGER NOT NULL,           -- milliseconds
  count INTEGER NOT NULL DEFAULT 1,
  detail TEXT
);
