#!/usr/bin/env bash
# Revision code is untrusted (issue 6, items 5 and 6), proven against a second real cluster
# playing production (password auth, log_statement=all):
#  - the driver's environment names no database but the scratch one, from before the first
#    import of a revision file: module-level code sees no production URL or password, in
#    os.environ or /proc/self/environ, and cannot create a table in production;
#  - the connection guard refuses an env.py that reads sqlalchemy.url straight from the ini, and
#    one that calls psycopg2.connect() itself: exit 3, the error names the refused host and
#    database (never the password), and production's log shows no connection but the gate's.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
. "$MIGRATE_GATE_SRC/tests/e2e/lib/prod.sh"
use_scratch_cache
prod_start
trap 'keep_outputs check_untrusted; _check_pg_exit $?' EXIT

proj=$(private_copy untrusted)
(cd "$proj" && env -u PGHOST -u PGPORT DATABASE_URI=$PROD_URL /usr/bin/python3 -m alembic -c alembic.ini upgrade r0001 >/dev/null 2>&1) ||
	fail "could not bring production to r0001"

no_secret() {
	if grep -rlF -- "$PROD_PASSWORD" "$CHECK_WORK"/"$1".* 2>/dev/null; then
		fail "$1: the production password is in its output"
	fi
}

# 1. Module-level code of r0002 looks around at import time (the graph is read before the
#    scratch database exists) and again at each step.
prod_mark
CHECK_ENV="DATABASE_URI=$PROD_URL MIGRATE_GATE_PRODUCTION_URL=$PROD_URL PGPASSWORD=$PROD_PASSWORD MG_PROBE_OUT=$CHECK_WORK/env.probe"
mg_check env -C "$proj"
expect_rc env 0
[ -s "$CHECK_WORK/env.probe" ] || fail "env: r0002's module-level code did not run"
no_secret env
grep -qF -- "$PG_DIR" "$CHECK_WORK/env.probe" && fail "env: revision code saw production's socket dir"
python3 - "$CHECK_WORK/env.probe" "$PG_DIR" "$PGPORT" <<'PY' || fail "env: revision code saw a database variable"
import json, sys
imports = [json.loads(line) for line in open(sys.argv[1])]
for n, seen in enumerate(imports):
    named = {k: v for k, v in seen["environ"].items()
             if k in ("DATABASE_URI", "DATABASE_URL") or k.startswith(("PG", "MIGRATE_GATE_"))}
    # The first import builds the graph, before any scratch database exists: nothing at all.
    # Later ones (Alembic loads the files again for a step) may see the scratch database only.
    bad = sorted(k for k, v in named.items() if n == 0 or sys.argv[2] in v or v in (sys.argv[3], "prod"))
    if bad:
        print("  import %d saw: %s" % (n + 1, ", ".join(bad)), file=sys.stderr)
        sys.exit(1)
PY
expect_prod_untouched env

# 2. The same code tries to create a table through DATABASE_URI, DATABASE_URL and libpq's
#    defaults: the guard refuses (no database is chosen while the graph loads), exit 3.
prod_mark
CHECK_ENV="DATABASE_URI=$PROD_URL PGPASSWORD=$PROD_PASSWORD MG_PROBE_OUT=$CHECK_WORK/connect.probe MG_PROBE_CONNECT=1"
mg_check connect -C "$proj"
expect_bad_input connect 3 "refused" "$proj"
expect_err connect "during reading the revision graph"
no_secret connect
grep -q "created through" "$CHECK_WORK/connect.probe" && fail "connect: r0002 created a table somewhere"
expect_prod_untouched connect

# 3. env.py reads sqlalchemy.url straight from alembic.ini, which names production.
python3 - "$proj/alembic.ini" "$PROD_URL" <<'PY'
import re, sys
path, url = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(re.sub(r"(?m)^sqlalchemy\.url = .*$", lambda m: "sqlalchemy.url = " + url, text))
PY
prod_mark
CHECK_ENV="DATABASE_URI=$PROD_URL"
mg_check ini -C "$proj" -x mode=ini
expect_bad_input ini 3 "tried to connect to host '$PG_DIR' port $PGPORT database 'prod' (sqlalchemy engine)" "$proj"
no_secret ini
expect_prod_untouched ini

# 4. env.py calls psycopg2.connect() itself on that URL.
prod_mark
mg_check raw -C "$proj" -x mode=psycopg2
expect_bad_input raw 3 "tried to connect to host '$PG_DIR' port $PGPORT database 'prod' (psycopg2.connect)" "$proj"
no_secret raw
expect_prod_untouched raw

# The same env.py in mode url still works: the guard lets the scratch database through.
prod_mark
mg_check url_ok -C "$proj" -x mode=url
expect_rc url_ok 0
expect_prod_untouched url_ok

check_done "untrusted revision code"
