# action/entrypoint run as GitHub Actions runs it: INPUT_* and GITHUB_* variables, a temp
# GITHUB_STEP_SUMMARY and GITHUB_OUTPUT, a real PostgreSQL as production (with a password
# in its URL) and as the scratch server. Asserts the outputs, the step summary, the
# annotations, that every secret is masked with ::add-mask:: before anything else is
# printed and appears nowhere else, and that no secret is on migrate-gate's command line.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
check_pg_start
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/action_entrypoint
rm -rf "$OUT"
mkdir -p "$OUT"
ENTRY=$MIGRATE_GATE_SRC/action/entrypoint
PY=/usr/bin/python3
PROD_PW=prodPw-7f3a9c
SCRATCH_PW=scratchPw-2b8d41
TOKEN=ghs_entrypointToken5e7c

# Production is at r0001: the gate must find r0002 and r0003 new.
pg_createdb prod
pg_psql -d prod -c "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('r0001')"
# Trust authentication ignores the passwords; they are in the URLs to be masked.
prod_url="postgresql://postgres:$PROD_PW@/prod?host=$PG_DIR&port=$PGPORT"
scratch_url="postgresql://postgres:$SCRATCH_PW@/postgres?host=$PG_DIR&port=$PGPORT"

# A stand-in for the binary that records its argv and environment, then runs the real one.
cat > "$CHECK_WORK/gate" <<EOF
#!/usr/bin/env bash
printf '%s\n' "\$@" > "$CHECK_WORK/argv.txt"
env > "$CHECK_WORK/env.txt"
exec "$MIGRATE_GATE_BIN" "\$@"
EOF
chmod +x "$CHECK_WORK/gate"

# run NAME PROJECT VAR=VALUE...: the entrypoint in PROJECT with a fresh runner environment.
run() {
	local name=$1 project=$2 rc=0
	shift 2
	mkdir -p "$CHECK_WORK/$name.runner"
	echo "# an earlier step's summary" > "$CHECK_WORK/$name.summary"
	: > "$CHECK_WORK/$name.output"
	(cd "$project" && env -i PATH="$PATH" HOME="$HOME" TMPDIR="$CHECK_TMP" LANG=C.UTF-8 \
		GITHUB_ACTIONS=true GITHUB_WORKSPACE="$project" GITHUB_REPOSITORY=acme/shop GITHUB_RUN_ID=42 \
		GITHUB_SERVER_URL=https://github.example GITHUB_STEP_SUMMARY="$CHECK_WORK/$name.summary" \
		GITHUB_OUTPUT="$CHECK_WORK/$name.output" RUNNER_TEMP="$CHECK_WORK/$name.runner" \
		MIGRATE_GATE_BIN="$CHECK_WORK/gate" "$@" timeout -s KILL 180 "$ENTRY") \
		> "$CHECK_WORK/$name.stdout" 2> "$CHECK_WORK/$name.stderr" || rc=$?
	echo "$rc" > "$CHECK_WORK/$name.rc"
	# The kept outputs go through the suite's secret grep: the mask lines are the one place a
	# secret may be, and are redacted there (the assertions read the originals).
	for f in stdout stderr summary output; do
		sed 's/^::add-mask::.*/::add-mask::(redacted by the test)/' "$CHECK_WORK/$name.$f" > "$OUT/$name.$f"
	done
	[ ! -f "$CHECK_WORK/$name.runner/migrate-gate/report.json" ] ||
		cp "$CHECK_WORK/$name.runner/migrate-gate/report.json" "$OUT/$name.report.json"
}
output() { sed -n "s/^$2=//p" "$CHECK_WORK/$1.output"; }
expect_output() {
	[ "$(output "$1" "$2")" = "$3" ] || fail "$1: output $2 is '$(output "$1" "$2")', expected '$3'"
}

# 1. A clean check against production, with a scratch server: passes.
good=$(private_copy good)
run good "$good" INPUT_COMMAND=check INPUT_DATABASE_URL="$prod_url" INPUT_SCRATCH_URL="$scratch_url" \
	INPUT_GITHUB_TOKEN="$TOKEN" INPUT_FAIL_ON=never INPUT_COMMENT=false INPUT_SARIF="$CHECK_WORK/good.sarif"
[ "$(cat "$CHECK_WORK/good.rc")" = 0 ] || fail "good: exit $(cat "$CHECK_WORK/good.rc"): $(tail -5 "$CHECK_WORK/good.stderr")"
expect_output good verdict passed
expect_output good new-revisions "r0002 r0003"
expect_output good report-json "$CHECK_WORK/good.runner/migrate-gate/report.json"
expect_output good backup-archive ""
findings=$(output good findings)
[ "$findings" = "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$OUT/good.report.json")" ] ||
	fail "good: findings output $findings"
[ -s "$CHECK_WORK/good.sarif" ] || fail "good: no SARIF at the sarif input's path"
# The masks come first, one per secret; the secrets appear nowhere else.
head -n 3 "$CHECK_WORK/good.stdout" > "$CHECK_WORK/masks"
printf '::add-mask::%s\n' "$PROD_PW" "$SCRATCH_PW" "$TOKEN" | cmp -s - "$CHECK_WORK/masks" ||
	fail "good: the first lines are not the three masks: $(cat "$CHECK_WORK/masks")"
for secret in "$PROD_PW" "$SCRATCH_PW" "$TOKEN"; do
	n=$(cat "$CHECK_WORK"/good.{stdout,stderr,summary,output} "$OUT/good.report.json" | grep -c -- "$secret" || true)
	[ "$n" = 1 ] || fail "good: '$secret' appears $n times (only its ::add-mask:: line may hold it)"
	! grep -q -- "$secret" "$CHECK_WORK/argv.txt" || fail "good: a secret on migrate-gate's command line"
done
grep -qxF "MIGRATE_GATE_PRODUCTION_URL=$prod_url" "$CHECK_WORK/env.txt" || fail "good: production URL not in the environment"
grep -qxF "MIGRATE_GATE_SCRATCH_URL=$scratch_url" "$CHECK_WORK/env.txt" || fail "good: scratch URL not in the environment"
! grep -q "^GITHUB_TOKEN=" "$CHECK_WORK/env.txt" || fail "good: the token reached migrate-gate without comment: true"
# INPUT_* hold the secrets too: migrate-gate (and the revision code it runs) never sees them.
! grep -q "^INPUT_" "$CHECK_WORK/env.txt" || fail "good: INPUT_* variables reached migrate-gate"
# The summary: the earlier step's text, then the Markdown report of this run.
head -n 1 "$CHECK_WORK/good.summary" | grep -qx "# an earlier step's summary" || fail "good: the summary was overwritten"
tail -n +2 "$CHECK_WORK/good.summary" > "$CHECK_WORK/good.md"
grep -qx "### ✅ migrate-gate check passed" "$CHECK_WORK/good.md" || fail "good: no verdict in the summary"
$PY "$MIGRATE_GATE_SRC/tests/lib/check_markdown.py" "$CHECK_WORK/good.md" "$OUT/good.report.json" > "$OUT/good.check.log" 2>&1 ||
	fail "good: summary: $(cat "$OUT/good.check.log")"

# 2. A failing check: annotations on stdout, verdict failed, exit 1. base-ref from the pull
# request's base branch (GITHUB_BASE_REF), fetched from origin when missing.
origin=$CHECK_WORK/origin.git
work=$CHECK_WORK/clone
atol=$CHECK_WORK/atol-src
gitc() { git -C "$1" -c user.name=t -c user.email=t@t "${@:2}"; }
git init -q --bare -b main "$origin"
cp -r "$MIGRATE_GATE_SRC/examples/atol" "$atol"
mv "$atol/versions" "$CHECK_WORK/versions"
mkdir "$atol/versions"
cp "$CHECK_WORK/versions/0001_"* "$CHECK_WORK/versions/0002_"* "$atol/versions/"
gitc "$atol" init -q -b main
gitc "$atol" add -A
gitc "$atol" commit -q -m base
gitc "$atol" push -q "$origin" main
gitc "$atol" checkout -q -b feature
cp "$CHECK_WORK/versions/"* "$atol/versions/"
gitc "$atol" add -A
gitc "$atol" commit -q -m feature
gitc "$atol" push -q "$origin" feature
git clone -q --branch feature "$origin" "$work"
git -C "$work" update-ref -d refs/remotes/origin/main # as a shallow PR checkout: the entrypoint fetches the base
chmod -R a+rX "$CHECK_WORK"
run pr "$work" INPUT_COMMAND=check INPUT_SCRATCH_URL="$scratch_url" GITHUB_BASE_REF=main GITHUB_EVENT_NAME=pull_request
[ "$(cat "$CHECK_WORK/pr.rc")" = 1 ] || fail "pr: exit $(cat "$CHECK_WORK/pr.rc"): $(tail -5 "$CHECK_WORK/pr.stderr")"
expect_output pr verdict failed
expect_output pr new-revisions "0003 0004 0005 0006"
grep -qx -- "--base-ref" "$CHECK_WORK/argv.txt" && grep -qx "origin/main" "$CHECK_WORK/argv.txt" ||
	fail "pr: no --base-ref origin/main: $(tr '\n' ' ' < "$CHECK_WORK/argv.txt")"
grep -q '^::error file=versions/0003_sample_lab_status.py,line=20,.*title=create-index-non-concurrent::' "$CHECK_WORK/pr.stdout" ||
	fail "pr: no annotation for 0003's CREATE INDEX"
grep -qx "### ❌ migrate-gate check failed" "$CHECK_WORK/pr.summary" || fail "pr: no failed verdict in the summary"

# 3. Bad inputs: an ::error line, verdict error, exit 2, nothing run.
rm -f "$CHECK_WORK/argv.txt"
run bad "$good" INPUT_COMMAND=apply-everything INPUT_DATABASE_URL="$prod_url"
[ "$(cat "$CHECK_WORK/bad.rc")" = 2 ] || fail "bad: exit $(cat "$CHECK_WORK/bad.rc")"
grep -q "^::error title=migrate-gate::unknown command 'apply-everything'" "$CHECK_WORK/bad.stdout" || fail "bad: no ::error line"
expect_output bad verdict error
[ ! -f "$CHECK_WORK/argv.txt" ] || fail "bad: migrate-gate ran"
head -n 1 "$CHECK_WORK/bad.stdout" | grep -qxF "::add-mask::$PROD_PW" || fail "bad: the mask is not first"
run badfail "$good" INPUT_COMMAND=check INPUT_FAIL_ON=sometimes
[ "$(cat "$CHECK_WORK/badfail.rc")" = 2 ] || fail "badfail: exit $(cat "$CHECK_WORK/badfail.rc")"

# 4. The deploy job: backup, apply; the backup-archive output is the archive, the flags are passed.
pg_createdb prod2
dep=$(private_copy good)
(cd "$dep" && DATABASE_URI=$(pg_url prod2) /usr/bin/python3 -m alembic -c alembic.ini upgrade r0001 > /dev/null 2>&1) ||
	fail "deploy: alembic upgrade r0001 of prod2"
prod2_url="postgresql://postgres:$PROD_PW@/prod2?host=$PG_DIR&port=$PGPORT"
/usr/bin/python3 "$MIGRATE_GATE_SRC/tests/lib/http_server.py" --port-file "$CHECK_WORK/health.port" \
	--log "$OUT/health.requests" --idle 600 --max-seconds 1800 &
health_pid=$!
for _ in $(seq 1 100); do [ -s "$CHECK_WORK/health.port" ] && break; sleep 0.05; done
health_url=http://127.0.0.1:$(cat "$CHECK_WORK/health.port")/healthz
run deploy "$dep" INPUT_COMMAND=deploy INPUT_DATABASE_URL="$prod2_url" INPUT_SCRATCH_URL="$scratch_url" \
	INPUT_FAIL_ON=never INPUT_BACKUP_DIR="$CHECK_WORK/backups" INPUT_LOCK_TIMEOUT=2s INPUT_RETRIES=1 \
	INPUT_HEALTH_URLS="$health_url" INPUT_ARGS="--health-interval 100ms"
kill "$health_pid" 2>/dev/null || true
[ "$(cat "$CHECK_WORK/deploy.rc")" = 0 ] || fail "deploy: exit $(cat "$CHECK_WORK/deploy.rc"): $(tail -5 "$CHECK_WORK/deploy.stderr")"
expect_output deploy verdict passed
archive=$(output deploy backup-archive)
case "$archive" in "$CHECK_WORK/backups/prod2-"*-r0001.tar.zst) ;; *) fail "deploy: backup-archive output '$archive'" ;; esac
[ -z "$archive" ] || [ -s "$archive" ] || fail "deploy: the backup-archive output names no file"
for flag in --backup-dir --lock-timeout 2s --retries; do
	grep -qx -- "$flag" "$CHECK_WORK/argv.txt" || fail "deploy: $flag not passed: $(tr '\n' ' ' < "$CHECK_WORK/argv.txt")"
done
grep -qF -e "$PROD_PW" -e "$SCRATCH_PW" "$CHECK_WORK/argv.txt" && fail "deploy: a password on migrate-gate's command line"
[ "$(pg_psql -d prod2 -At -c 'SELECT version_num FROM alembic_version')" = r0003 ] || fail "deploy: production is not at r0003"
grep -q "NOTICE" "$CHECK_WORK/deploy.stderr" && fail "deploy: a server NOTICE on stderr"
# The health-urls input reaches the verify stage through the environment, not the command line.
grep -qxF "MIGRATE_GATE_HEALTH_URLS=$health_url" "$CHECK_WORK/env.txt" || fail "deploy: health-urls not in the environment"
$PY -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if [(h["url"], h["passed"]) for h in r["verify"]["health"]] == [(sys.argv[2], True)] else 1)' \
	"$OUT/deploy.report.json" "$health_url" || fail "deploy: the verify stage did not poll the health-urls input"
expect_clean deploy "$dep"

expect_clean good "$good"
check_done "action_entrypoint: outputs, step summary, annotations, masks"
