#!/usr/bin/env bash
# migrate-gate check on bad input: each case gives one `error:` line and a `hint:`, exit 2
# (project) or 3 (environment), no report, and leaves no scratch server, temp dir or driver behind.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"

# No Python at all, and a Python that cannot import alembic (-S: no site-packages).
mg_check no_python -C "$FIXTURES/good" --python /nonexistent/python3
expect_bad_input no_python 3 "/nonexistent/python3"
nosite=$CHECK_WORK/python-without-alembic
printf '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n' >"$nosite"
chmod 755 "$nosite"
/usr/bin/python3 -S -c 'import alembic' 2>/dev/null && fail "python3 -S imports alembic: the case tests nothing"
mg_check no_alembic -C "$FIXTURES/good" --python "$nosite"
expect_bad_input no_alembic 3 "$nosite"

# No PostgreSQL server binaries.
mg_check no_pg -C "$FIXTURES/good" --pg-bindir /nonexistent/bin
expect_bad_input no_pg 3 "/nonexistent/bin"

# A -c that does not exist.
mg_check wrong_config -C "$FIXTURES/good" -c /nonexistent/alembic.ini
expect_bad_input wrong_config 2 "/nonexistent/alembic.ini"

# A revision file that does not compile: named with its line.
mg_check broken -C "$FIXTURES/broken_revision_file"
expect_bad_input broken 2 "versions/r0002.py', line 5"
expect_err broken "SyntaxError"

# A down_revision no file defines, and a cycle: named with the file.
mg_check broken_down -C "$FIXTURES/broken_down_revision"
expect_bad_input broken_down 2 "revision 'r0003' ($FIXTURES/broken_down_revision/versions/r0003.py) has down_revision 'r0bad', which is not a revision"
mg_check cycle -C "$FIXTURES/revision_cycle"
expect_bad_input cycle 2 "versions/r0003.py) is part of a cycle"

# env.py raises before any migration runs: env.py's fault, not r0001's.
mg_check env_raises -C "$FIXTURES/env_raises"
expect_bad_input env_raises 2 "env.py raised RuntimeError: env.py cannot find its settings module"
expect_err env_raises "env.py', line 4)"

# env.py connects elsewhere (sqlite): the connection guard refuses it (issue 6, item 6).
mg_check env_ignores -C "$FIXTURES/env_ignores_url"
expect_bad_input env_ignores 3 "tried to connect to host '(sqlite)' port - database ':memory:' (sqlalchemy sqlite)"

# The driver is killed (SIGKILL from r0002's upgrade) after r0001 replayed.
proj=$(private_copy killed_driver)
mg_check killed -C "$proj"
expect_bad_input killed 3 "the alembic driver died during upgrade of revision 'r0002'" "$proj"
expect_err killed "replay 1/2 r0001"

# A revision that hangs in pg_sleep(600): killed after --step-timeout 3, exit within seconds.
proj=$(private_copy hangs)
mg_check hangs -C "$proj" --step-timeout 3
expect_bad_input hangs 3 "did not finish within 3s" "$proj"
expect_err hangs "--step-timeout"
[ "$CHECK_SECS" -le 60 ] || fail "hangs: took ${CHECK_SECS}s with --step-timeout 3" # a loaded machine: minutes would mean no timeout

check_done "bad input"
