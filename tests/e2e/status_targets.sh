#!/usr/bin/env bash
# status --targets FILE (docs/kubernetes.md): the fleet in one table. Three databases of the
# "good" fixture at different revisions, one variable that is not set, one server that refuses
# the password: each line says where it is; the unreadable ones are errors (exit 3) that do not
# hide the others. The URLs never reach the driver that imports the revision files, nor output.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/pg.sh"
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/status_targets
rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d)
chmod 711 "$WORK"
trap 'rm -rf "$WORK"' EXIT
pg_start
good=$MIGRATE_GATE_SRC/tests/fixtures/alembic/good
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
PW='Fl33t-S3cret-pw'
pg_psql -c "CREATE ROLE fleet LOGIN SUPERUSER PASSWORD '$PW'" >/dev/null
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all fleet scram-sha-256"; cat "$hba"; } >"$hba.new" && cat "$hba.new" >"$hba"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
url() { echo "postgresql://fleet:$2@/$1?host=$PG_DIR&port=$PGPORT"; }
for db in canary acme globex; do pg_createdb "$db"; done
at() { (cd "$good" && DATABASE_URI=$(pg_url "$1") /usr/bin/python3 -m alembic -c alembic.ini upgrade "$2" >/dev/null 2>&1); }
at canary r0003
at acme r0001
cat >"$WORK/targets.txt" <<'T'
# canary first
TENANT_CANARY_URL
TENANT_ACME_URL   # one behind the other
TENANT_GLOBEX_URL
TENANT_MISSING_URL
TENANT_BADPW_URL
T
# A revision file that prints its environment: the driver must not see the fleet's URLs.
proj=$WORK/proj
cp -r "$good" "$proj"
chmod -R a+rX "$proj"
printf '\nimport os\nopen(%s, "w").write(repr(dict(os.environ)))\n' "'$WORK/driver-env.txt'" >>"$proj/versions/r0001.py"
chmod 666 "$WORK/driver-env.txt" 2>/dev/null || true
touch "$WORK/driver-env.txt" && chmod 666 "$WORK/driver-env.txt"
run() { # NAME ARGS...
	local name=$1
	shift
	RC=0
	env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u DATABASE_URI \
		TENANT_CANARY_URL="$(url canary "$PW")" TENANT_ACME_URL="$(url acme "$PW")" \
		TENANT_GLOBEX_URL="$(url globex "$PW")" TENANT_BADPW_URL="$(url acme Wr0ng-Fl33t-pw)" \
		"$MIGRATE_GATE_BIN" status -C "$proj" --targets "$WORK/targets.txt" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || RC=$?
}
run json --format json
[ "$RC" = 3 ] || fail "json: exit $RC, expected 3 (two unreadable databases)"
python3 - "$OUT/json.out" <<'PY' || fail "json: the fleet is not as expected: $(cat "$OUT/json.out")"
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in r["targets"]}
assert [x["name"] for x in r["targets"]] == ["TENANT_CANARY_URL", "TENANT_ACME_URL", "TENANT_GLOBEX_URL", "TENANT_MISSING_URL", "TENANT_BADPW_URL"]
assert r["heads"] == ["r0003"]
assert t["TENANT_CANARY_URL"]["revisions"] == ["r0003"] and t["TENANT_CANARY_URL"]["at_head"]
assert t["TENANT_ACME_URL"]["revisions"] == ["r0001"] and t["TENANT_ACME_URL"]["pending"] == 2
assert t["TENANT_GLOBEX_URL"]["revisions"] == [] and t["TENANT_GLOBEX_URL"]["pending"] == 3
assert "not set" in t["TENANT_MISSING_URL"]["error"]
assert t["TENANT_BADPW_URL"]["error"] and "password" in t["TENANT_BADPW_URL"]["error"]
PY
grep -q "^error: environment variable 'TENANT_MISSING_URL' of the targets file is not set$" "$OUT/json.err" ||
	fail "json: no error line for the unset variable"
grep -A1 '^error: ' "$OUT/json.err" | grep -q '^hint: ' || fail "json: an error without a hint"
run text
grep -qE '^  TENANT_ACME_URL +r0001, 2 pending$' "$OUT/text.out" || fail "text: acme's line: $(cat "$OUT/text.out")"
grep -qE '^  TENANT_CANARY_URL +r0003 \(head\)$' "$OUT/text.out" || fail "text: canary's line"
grep -q '^1 at head, 2 behind, 2 unreadable$' "$OUT/text.out" || fail "text: the tally"
grep -qF "$PW" "$OUT"/* && fail "the password reached the output"
# The URL of a variable whatever its name (TENANT_BADPW_URL does not look like a secret): not even
# masked is it in an error (issue 15, item 16).
grep -qF "postgresql://fleet:" "$OUT"/* && fail "a fleet URL reached the output: $(grep -hF "postgresql://fleet:" "$OUT"/* | head -n 1)"
grep -q "cannot connect to '\*\*\*\*': .*password authentication failed" "$OUT/text.err" ||
	fail "text: the refused target's error: $(grep error: "$OUT/text.err")"
grep -qF "$PW" "$WORK/driver-env.txt" && fail "the driver saw a fleet URL"
grep -q "TENANT_" "$WORK/driver-env.txt" && fail "the driver saw a fleet variable"
[ -s "$WORK/driver-env.txt" ] || fail "the revision file did not run (the test proves nothing)"
# No database line at all is a usage error.
printf '# nothing\n\n' >"$WORK/empty.txt"
RC=0
"$MIGRATE_GATE_BIN" status -C "$proj" --targets "$WORK/empty.txt" >/dev/null 2>"$OUT/empty.err" || RC=$?
[ "$RC" = 2 ] || fail "empty: exit $RC, expected 2"
grep -q "names no database" "$OUT/empty.err" || fail "empty: the error"
[ "$fails" = 0 ] || { echo "FAILED"; exit 1; }
echo "status --targets: fleet table, unset and refused targets, nothing leaked"
