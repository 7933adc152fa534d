#!/usr/bin/env bash
# deploy's verify stage, after apply, against a real "production" and real HTTP servers on
# 127.0.0.1 (tests/lib/http_server.py): an application that answers 503 for its first seconds,
# then 200, passes after waiting (the URL from MIGRATE_GATE_HEALTH_URLS, a token header from a
# variable, passing SQL checks, production's revision, size and table count in the report); one
# that never recovers fails with exit 4, its status, its masked body, the elapsed time and the way
# back; https with a test CA made here is refused without --health-ca and passes with it; failing
# SQL checks are each named, and a write in one is refused; --skip-verify is said loudly; bad
# options stop the deploy before anything is applied. The token never shows in any output.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good
TOKEN=tok-health-9Zq4Xv
export HEALTH_HEADER="Authorization: Bearer $TOKEN"
stages() { json_get "$1" '" ".join(s["name"] + ":" + s["status"] for s in r["stages"])'; }
FAST=(--skip-check --skip-backup --health-interval 200ms)
# Every production starts at r0001: a copy of one database the alembic CLI brought there.
prod_at base "$good" r0001
prod_copy() { pg_psql -d postgres -c "CREATE DATABASE $1 TEMPLATE base" >/dev/null; }

# serve NAME ARGS...: an HTTP server in the background; its URL's base in $BASE.
serve() {
	local name=$1 i
	shift
	/usr/bin/python3 "$MIGRATE_GATE_SRC/tests/lib/http_server.py" --port-file "$WORK/$name.port" \
		--log "$OUT/$name.requests" --idle 600 --max-seconds 1800 "$@" 2>"$OUT/$name.server.err" &
	APPLY_KILL="${APPLY_KILL:-} $!"
	for i in $(seq 1 100); do
		[ -s "$WORK/$name.port" ] && break
		sleep 0.05
	done
	BASE=127.0.0.1:$(cat "$WORK/$name.port")
}

# A test CA and a certificate for 127.0.0.1 that it signed, for an https application.
(cd "$WORK" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=test CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout app.key -out app.csr -subj "/CN=127.0.0.1" &&
	printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
	openssl x509 -req -in app.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out app.pem -days 2 -extfile san.ext) \
	>"$OUT/openssl.log" 2>&1 || fail "openssl: $(tail -n 5 "$OUT/openssl.log")"
serve slow --fail-for 2 --fail-body "starting"
SLOW=$BASE
serve down --fail-for -1 --fail-body "down for maintenance (you sent Bearer $TOKEN)"
DOWN=$BASE
serve tls --tls "$WORK/app.pem" "$WORK/app.key"
TLS=$BASE

# 1. 503 for two seconds from the first request, then 200: the stage waits and passes; https with
# --health-ca passes. The URLs come from the environment form, the token header from a variable;
# the SQL checks pass; the report ends with production's revision, size and table count.
cat >"$WORK/pass.sql" <<'SQL'
-- name: the users table is there
SELECT to_regclass('users') IS NOT NULL;
-- one alembic_version row
SELECT count(*) = 1 FROM alembic_version;
SQL
prod_copy prod1
MG_TEXT=1 MG_ENV="MIGRATE_GATE_HEALTH_URLS=http://$SLOW/healthz,https://$TLS/ready" mg recovers deploy -C "$good" \
	--production-url "$(pg_url prod1)" "${FAST[@]}" --health-header-env HEALTH_HEADER --health-ca "$WORK/ca.pem" \
	--health-sql "$WORK/pass.sql" --summary-md "$OUT/recovers.md" --report-json "$OUT/recovers.json"
expect_rc recovers 0
[ "$(stages recovers)" = "plan:passed check:skipped backup:skipped apply:passed verify:passed" ] ||
	fail "recovers: stages $(stages recovers)"
expect_json recovers 'r["verify"]["passed"] and [h["url"] for h in r["verify"]["health"]] == ["http://'"$SLOW"'/healthz", "https://'"$TLS"'/ready"]'
expect_json recovers 'all(h["passed"] and h["status"] == 200 and h["consecutive_2xx"] == 3 for h in r["verify"]["health"])'
expect_json recovers 'r["verify"]["health"][0]["elapsed_ms"] >= 1900 and r["verify"]["health"][0]["tries"] > 3'
expect_json recovers '[(c["name"], c["passed"]) for c in r["verify"]["sql_checks"]] == [("the users table is there", True), ("one alembic_version row", True)]'
expect_json recovers 'r["verify"]["production"] == {"revision": ["r0003"], "database_bytes": r["verify"]["production"]["database_bytes"], "tables": 3} and r["verify"]["production"]["database_bytes"] > 0'
expect_json recovers '[s for s in r["stages"] if s["name"] == "verify"][0]["duration_ms"] >= 1900'
# Every request carried the token (the server logs it as a digest), and the 503s came first.
python3 - "$OUT/slow.requests" "$HEALTH_HEADER" <<'PY' || fail "recovers: the requests did not carry the header, or no 503 came first"
import hashlib, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
want = "sha256:" + hashlib.sha256(sys.argv[2].split(": ", 1)[1].encode()).hexdigest()
assert reqs and all(r["headers"].get("authorization") == want for r in reqs), reqs
assert reqs[0]["status"] == 503 and [r["status"] for r in reqs[-3:]] == [200] * 3, [r["status"] for r in reqs]
PY
expect_out recovers "  health  http://$SLOW/healthz  passed: 3 x 2xx in a row after "
expect_out recovers "  production at r0003, "
grep -q "^  verify  passed" "$OUT/recovers.out" || fail "recovers: the verify stage is not shown as passed"
grep -qF "| verify | ✅ passed |" "$OUT/recovers.md" || fail "recovers: no verify row in the Markdown stage table"
grep -qF "**Verify:** ✅ 2 of 2 URL(s) healthy; 2 of 2 SQL check(s) passed; production at r0003" "$OUT/recovers.md" ||
	fail "recovers: no Verify line in the Markdown summary"

# 2. An application that never recovers and echoes the token in its error page, https without
# --health-ca (refused at once: waiting cannot fix a certificate), failing SQL checks (a write in
# one is refused): exit 4 after --health-timeout, every failure named, the status, the masked
# body, the elapsed time and the way back (the backup taken before the apply).
cat >"$WORK/fail.sql" <<'SQL'
-- name: a million users
SELECT count(*) > 1000000 FROM users;
SELECT 1 WHERE false;
-- name: sneaky write
WITH gone AS (DELETE FROM alembic_version RETURNING 1) SELECT true;
SQL
prod_copy prod2
MG_TEXT=1 mg never deploy -C "$good" --production-url "$(pg_url prod2)" --skip-check --backup-dir "$WORK/backups" \
	--health-url "http://$DOWN/healthz" --health-url "https://$TLS/ready" --health-timeout 3s \
	--health-interval 500ms --health-header-env HEALTH_HEADER --health-sql "$WORK/fail.sql" --report-json "$OUT/never.json"
expect_rc never 4
expect_err never "error: the application is not healthy after the deploy: 'http://$DOWN/healthz' answered HTTP 503"
expect_err never "error: the application is not healthy after the deploy: 'https://$TLS/ready' gave no answer (the last of 1 tries"
expect_err never "the health check 'a million users' failed on production after the deploy: its first column is 'f', not true"
expect_err never "the health check 'check 2 (line 3)' failed on production after the deploy: returned 0 rows, not one"
expect_err never "the health check 'sneaky write' failed on production after the deploy: "
expect_json never '[s["name"] + ":" + s["status"] for s in r["stages"]] == ["plan:passed", "check:skipped", "backup:passed", "apply:passed", "verify:failed"]'
expect_json never 'r["verify"]["health"][0]["status"] == 503 and 2900 <= r["verify"]["health"][0]["elapsed_ms"] < 6000'
expect_json never 'r["verify"]["health"][0]["body"] == "down for maintenance (you sent ****)"'
expect_json never '"certificate" in r["verify"]["health"][1]["error"] and r["verify"]["health"][1]["status"] is None'
expect_json never '"read-only transaction" in r["verify"]["sql_checks"][2]["failure"]'
expect_json never 'r["verify"]["production"]["revision"] == ["r0003"]'
expect_json never 'r["rollback"].startswith("restore the backup taken before the apply: migrate-gate restore ")'
expect_json never 'r["failure"] == "the migrations are applied, but the verification after them failed"'
expect_out never "rollback: restore the backup taken before the apply: migrate-gate restore '$WORK/backups/prod2-"
expect_out never "  health  http://$DOWN/healthz  FAILED: HTTP 503 after 3."
expect_out never "          body: down for maintenance (you sent ****)"
expect_out never "deploy FAILED: the migrations are applied, but the verification after them failed"
expect_out never "  sql     a million users  FAILED: its first column is 'f', not true"
grep -q "^  verify  failed" "$OUT/never.out" || fail "never: the verify stage is not shown as failed"
[ "$(versions_of prod2)" = r0003 ] || fail "never: production is at '$(versions_of prod2)'"

# 3. --skip-verify: said in the stage table and the notes, like the other skips.
prod_copy prod3
mg skipped deploy -C "$good" --production-url "$(pg_url prod3)" "${FAST[@]}" --skip-verify --health-url "http://$DOWN/x"
expect_rc skipped 0
expect_json skipped '[s["status"] for s in r["stages"] if s["name"] == "verify"] == ["skipped"] and r["verify"] is None'
expect_json skipped '"--skip-verify: the application and production were NOT checked after the apply" in r["notes"]'
expect_err skipped "verify was skipped (--skip-verify)"

# 4. Bad options: exit 2 before anything is applied, the value of the header never shown.
prod_copy prod4
mg badurl deploy -C "$good" --production-url "$(pg_url prod4)" "${FAST[@]}" --health-url "ftp://$DOWN/x"
expect_rc badurl 2
expect_err badurl "invalid value 'ftp://$DOWN/x' for --health-url"
NOT_A_HEADER=$TOKEN mg badheader deploy -C "$good" --production-url "$(pg_url prod4)" "${FAST[@]}" \
	--health-header-env NOT_A_HEADER --health-url "http://$DOWN/x"
expect_rc badheader 2
expect_err badheader "environment variable 'NOT_A_HEADER' named by --health-header-env does not hold a header"
printf 'SELECT true;\nINSERT INTO users VALUES (1);\n' >"$WORK/write.sql"
mg badsql deploy -C "$good" --production-url "$(pg_url prod4)" "${FAST[@]}" --health-sql "$WORK/write.sql"
expect_rc badsql 2
expect_err badsql "the check 'check 2 (line 2)' at line 2 of '$WORK/write.sql' is not a query: it starts with 'INSERT'"
# The config file's form is read, and checked, too.
{ cat "$good/alembic.ini"; printf '\n[migrate_gate]\nhealth_urls = http://%s/ok, gopher://%s/no\n' "$DOWN" "$DOWN"; } >"$WORK/health.ini"
mg badini deploy -C "$good" --config "$WORK/health.ini" --production-url "$(pg_url prod4)" "${FAST[@]}"
expect_rc badini 2
expect_err badini "invalid value 'http://$DOWN/ok, gopher://$DOWN/no' for 'health_urls' in [migrate_gate] of $WORK/health.ini"
[ "$(versions_of prod4)" = r0001 ] || fail "bad options: production moved to '$(versions_of prod4)'"

# The token: in no report, no stdout, no stderr.
! grep -rlF -- "$TOKEN" "$OUT" | grep -v '\.requests$' || fail "the token shows in: $(grep -rlF -- "$TOKEN" "$OUT" | tr '\n' ' ')"

apply_done "deploy verify"
