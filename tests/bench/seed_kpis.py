"""Spreads the seeded conversations over the last 90 days for the KPI benchmark, in the local D1
file while the Worker is stopped: seed_kpis.py <state dir>. Each customer gets a mix of
histories — resolved by an agent, split by the reset, still open — with first responses, and one
conversation in five was surveyed (most answered)."""
import glob
import sqlite3
import sys
import time

state = sys.argv[1]
files = [f for f in glob.glob(f"{state}/v3/d1/**/*.sqlite", recursive=True)]
db = next(f for f in files if sqlite3.connect(f).execute(
    "SELECT 1 FROM sqlite_master WHERE name = 'csat_surveys'").fetchone())
con = sqlite3.connect(db)
now = int(time.time())
with con:
    # opened within 90 days; every third closed by the reset, every third resolved, the rest open
    con.execute("""
        UPDATE conversations SET
          opened_at = ?1 - (rowid * 7919 % (90 * 86400)),
          first_response_at = ?1 - (rowid * 7919 % (90 * 86400)) + (rowid % 3600),
          status = CASE rowid % 3 WHEN 2 THEN 'open' ELSE 'closed' END,
          close_reason = CASE rowid % 3 WHEN 0 THEN 'reset' WHEN 1 THEN 'agent' END,
          resolved_by = CASE rowid % 3 WHEN 1 THEN 'agent' END,
          closed_at = CASE rowid % 3 WHEN 2 THEN NULL ELSE ?1 - (rowid * 7919 % (90 * 86400)) + (rowid % 86400) END
        WHERE id LIKE 'seed_c%'""", (now,))
    con.execute("""
        INSERT OR IGNORE INTO csat_surveys (id, conversation_id, channel, outcome, question, asked_at, score, answered_at)
        SELECT 'srv_' || id, id, 'whatsapp', 'asked', 'How did we do?', closed_at,
               CASE WHEN rowid % 10 = 1 THEN NULL ELSE 1 + (rowid / 5) % 5 END,
               CASE WHEN rowid % 10 = 1 THEN NULL ELSE closed_at + 60 END
        FROM conversations WHERE id LIKE 'seed_c%' AND close_reason = 'agent' AND rowid % 5 = 1""")
print(con.execute("SELECT COUNT(*) FROM conversations WHERE opened_at > ?", (now - 90 * 86400,)).fetchone()[0],
      "conversations in the last 90 days,", con.execute("SELECT COUNT(*) FROM csat_surveys").fetchone()[0],
      "surveys", file=sys.stderr)
