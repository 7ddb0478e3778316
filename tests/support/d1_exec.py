"""Runs SQL against the local D1 database (wrangler's SQLite file) of a stopped edge, for tests
that must put rows there the Worker itself would not write: d1_exec.py <state dir> <sql>.
With --any, the database need not hold the tables yet (to migrate one by hand)."""
import glob
import sqlite3
import sys

state, sql = sys.argv[1], sys.argv[2]
files = glob.glob(f"{state}/v3/d1/**/*.sqlite", recursive=True)
db = next(f for f in files if "--any" in sys.argv or sqlite3.connect(f).execute(
    "SELECT 1 FROM sqlite_master WHERE name = 'messages'").fetchone())
con = sqlite3.connect(db)
with con:
    con.executescript(sql)
