"""Prints SQLite's query plans for the reads the benchmark times, on the local D1 file:
explain.py <state dir>. Each line should name an index (SEARCH … USING INDEX), never a SCAN."""
import glob
import sqlite3
import sys

state = sys.argv[1]
files = glob.glob(f"{state}/v3/d1/**/*.sqlite", recursive=True)
db = next(f for f in files if sqlite3.connect(f).execute(
    "SELECT 1 FROM sqlite_master WHERE name = 'messages'").fetchone())
con = sqlite3.connect(db)
queries = {
    "search a customer": "SELECT c.id FROM conversations c WHERE c.wa_id = '18880000042' "
                         "ORDER BY c.last_message_at DESC LIMIT 101",
    "a thread's newest page": "SELECT id FROM messages WHERE conversation_id = 'seed_c99999' "
                              "ORDER BY sent_at DESC, rowid DESC LIMIT 101",
    "a thread's older page": "SELECT id FROM messages WHERE conversation_id = 'seed_c99999' "
                             "AND (sent_at, rowid) < (1700400000, 1000000) ORDER BY sent_at DESC, rowid DESC LIMIT 101",
    "inbox list for a number": "SELECT c.id FROM conversations c WHERE c.phone_number_id = '106540352242922' "
                               "ORDER BY c.last_message_at DESC LIMIT 51",
}
for name, sql in queries.items():
    plan = "; ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql))
    print(f"{name:28} {plan}")
