"""Lists the keys of the local R2 bucket (wrangler's SQLite files under <state>/v3/r2), one JSON
array on stdout, for tests that check what a refused write left behind: r2_keys.py <state dir>."""
import glob
import json
import sqlite3
import sys

keys = []
for f in glob.glob(f"{sys.argv[1]}/v3/r2/**/*.sqlite", recursive=True):
    con = sqlite3.connect(f"file:{f}?mode=ro", uri=True)
    if con.execute("SELECT 1 FROM sqlite_master WHERE name = '_mf_objects'").fetchone():
        keys += [k for (k,) in con.execute("SELECT key FROM _mf_objects")]
print(json.dumps(sorted(keys)))
