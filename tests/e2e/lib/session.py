#!/usr/bin/python3
"""A test session that holds something on the database until told to let go.

usage: session.py DSN APPNAME READY_FILE RELEASE_FILE SQL...

Connects (application_name APPNAME), opens a transaction, runs each SQL,
writes its backend pid to READY_FILE, then waits (up to 120 s) until
RELEASE_FILE exists, commits and exits. A lock the SQL took is held all that
time: ACCESS SHARE from a SELECT, an advisory lock from pg_advisory_lock.
Run by /usr/bin/python3, which has psycopg2.
"""
import os
import sys
import time

import psycopg2


def main(dsn, appname, ready, release, *sql):
    conn = psycopg2.connect(dsn, application_name=appname)
    cur = conn.cursor()
    pid = conn.get_backend_pid()  # no query: pg_stat_activity shows the last SQL as the session's
    for stmt in sql:
        cur.execute(stmt)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % pid)
    os.rename(ready + ".tmp", ready)
    deadline = time.time() + 120
    while not os.path.exists(release) and time.time() < deadline:
        time.sleep(0.05)
    conn.commit()
    conn.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
