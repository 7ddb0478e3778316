"""Seeds the local D1 database (wrangler's SQLite file) with conversations and messages for the
benchmark: seed_d1.py <state dir> <phone_number_id> <conversations> <messages per conversation>
[first conversation index]. Conversation c belongs to customer 1888<c, 7 digits>."""
import glob
import sqlite3
import sys

state, number, conversations, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
start = int(sys.argv[5]) if len(sys.argv) > 5 else 0
files = [f for f in glob.glob(f"{state}/v3/d1/**/*.sqlite", recursive=True)]
db = next(f for f in files if sqlite3.connect(f).execute(
    "SELECT 1 FROM sqlite_master WHERE name = 'messages'").fetchone())
con = sqlite3.connect(db)
with con:
    for c in range(start, start + conversations):
        wa = f"1888{c:07d}"
        con.execute(
            "INSERT INTO conversations (id, channel, status, phone_number_id, wa_id, opened_at, last_message_at) "
            "VALUES (?, 'whatsapp', 'open', ?, ?, 1700000000, ?)", (f"seed_c{c}", number, wa, 1700000000 + per * 100))
        con.executemany(
            "INSERT INTO messages (id, conversation_id, wamid, channel, direction, phone_number_id, wa_id, type, text, "
            "sent_at, received_at) VALUES (?, ?, ?, 'whatsapp', 'inbound', ?, ?, 'text', ?, ?, ?)",
            [(f"seed_m{c}_{m}", f"seed_c{c}", f"wamid.seed{c}x{m}", number, wa, f"seeded message {m}",
              1700000000 + m * 100, 1700000000000 + m) for m in range(per)])
print(con.execute("SELECT COUNT(*) FROM messages").fetchone()[0], "messages in",
      con.execute("SELECT COUNT(*) FROM conversations").fetchone()[0], "conversations", file=sys.stderr)
