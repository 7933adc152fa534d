# gitlab/example.gitlab-ci.yml (which includes gitlab/migrate-gate.gitlab-ci.yml) run by
# gitlab-ci-local (npm, 4.56.0) in shell-executor mode on the example project, as a merge
# request pipeline: the check job fails on examples/atol's findings (as it must) and still
# leaves valid Code Quality, JUnit, JSON and Markdown reports; with MIGRATE_GATE_FAIL_ON=never
# it passes. The deploy job runs against a real PostgreSQL: backup archive, production at head.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/gitlab_ci_local
rm -rf "$OUT"
mkdir -p "$OUT"
GCL=$MIGRATE_GATE_SRC/tests/node_modules/.bin/gitlab-ci-local
[ -x "$GCL" ] || { echo "FAIL: no gitlab-ci-local in tests/node_modules: run scripts/bootstrap"; exit 1; }
command -v rsync > /dev/null || { echo "FAIL: --shell-isolation needs rsync"; exit 1; }
PY=/usr/bin/python3

# The project as a repository of its own: the template, the example as its pipeline, the example app.
proj=$CHECK_WORK/app
mkdir -p "$proj/gitlab" "$proj/examples"
cp "$MIGRATE_GATE_SRC/gitlab/migrate-gate.gitlab-ci.yml" "$proj/gitlab/"
cp "$MIGRATE_GATE_SRC/gitlab/example.gitlab-ci.yml" "$proj/.gitlab-ci.yml"
cp -r "$MIGRATE_GATE_SRC/examples/atol" "$proj/examples/"
git -C "$proj" init -q -b main
git -C "$proj" remote add origin https://gitlab.example/acme/app.git
git -C "$proj" -c user.name=t -c user.email=t@t add -A
git -C "$proj" -c user.name=t -c user.email=t@t commit -q -m app
chmod -R a+rX "$CHECK_WORK"

# pipeline NAME JOB VAR=VALUE...: one job of the pipeline; log in $OUT/NAME.log, status in GCL_RC.
pipeline() {
	local name=$1 job=$2 vars=()
	shift 2
	for v in "$@"; do vars+=(--variable "$v"); done
	GCL_RC=0
	# gitlab-ci-local's own temp files stay apart from the gate's TMPDIR, which must end empty.
	(cd "$proj" && env -u GITLAB_CI -u CI_JOB_TOKEN HOME="$CHECK_WORK/home" TMPDIR="$CHECK_WORK/gcl-tmp" \
		timeout -s KILL 600 "$GCL" --shell-isolation --no-color --file .gitlab-ci.yml --variable TMPDIR="$CHECK_TMP" \
		--variable CI_PIPELINE_SOURCE=merge_request_event --variable MIGRATE_GATE_BIN="$MIGRATE_GATE_BIN" \
		--variable MIGRATE_GATE_SCRATCH_CACHE="$SCRATCH_CACHE" ${vars[@]+"${vars[@]}"} "$job") \
		> "$OUT/$name.log" 2>&1 || GCL_RC=$?
}
mkdir -p "$CHECK_WORK/home" "$CHECK_WORK/gcl-tmp"

# 1. The example project has findings: the job fails, its reports are there and valid.
pipeline check migrations:check
[ "$GCL_RC" != 0 ] || fail "check: the pipeline passed on examples/atol's findings"
grep -q "migrations:check.*FAILED\|FAIL.*migrations:check\|migrations:check .*exit code 1" "$OUT/check.log" ||
	grep -qi "failed" "$OUT/check.log" || fail "check: no failed job in the log"
reports=$proj/migrate-gate-report
for f in gl-code-quality-report.json junit.xml report.json summary.md; do
	[ -s "$reports/$f" ] || fail "check: no artifact $f (artifacts: when: always)"
	[ ! -s "$reports/$f" ] || cp "$reports/$f" "$OUT/check.$f"
done
if [ -s "$reports/report.json" ]; then
	$PY "$MIGRATE_GATE_SRC/tests/cli/data/check_formats.py" gitlab "$reports/gl-code-quality-report.json" \
		"$reports/report.json" > "$OUT/check.codequality.log" 2>&1 || fail "check: codequality: $(cat "$OUT/check.codequality.log")"
	$PY "$MIGRATE_GATE_SRC/tests/cli/data/check_formats.py" junit "$reports/junit.xml" "$reports/report.json" \
		> "$OUT/check.junit.log" 2>&1 || fail "check: junit: $(cat "$OUT/check.junit.log")"
	$PY "$MIGRATE_GATE_SRC/tests/lib/check_markdown.py" "$reports/summary.md" "$reports/report.json" \
		> "$OUT/check.markdown.log" 2>&1 || fail "check: summary: $(cat "$OUT/check.markdown.log")"
	# GitLab's documented Code Quality fields, each issue.
	$PY - "$reports/gl-code-quality-report.json" <<'EOF' || fail "check: codequality fields"
import json, sys
issues = json.load(open(sys.argv[1]))
assert issues, "no issues"
for i in issues:
    assert isinstance(i["description"], str) and i["description"]
    assert isinstance(i["check_name"], str) and i["check_name"]
    assert isinstance(i["fingerprint"], str) and i["fingerprint"]
    assert i["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert isinstance(i["location"]["path"], str) and not i["location"]["path"].startswith("/")
    assert isinstance(i["location"]["lines"]["begin"], int) and i["location"]["lines"]["begin"] >= 1
EOF
fi

# 2. The same with MIGRATE_GATE_FAIL_ON=never: the job passes.
rm -rf "$reports"
pipeline pass migrations:check MIGRATE_GATE_FAIL_ON=never
[ "$GCL_RC" = 0 ] || fail "pass: the pipeline failed with fail-on never: $(tail -n 20 "$OUT/pass.log")"
[ -s "$reports/junit.xml" ] || fail "pass: no junit artifact"

# 3. The deploy job, against a real PostgreSQL, once `migrate-gate deploy` exists.
if "$MIGRATE_GATE_BIN" help deploy > /dev/null 2>&1; then
	check_pg_start
	pg_createdb prod
	# The example's MIGRATE_GATE_HEALTH_URLS, pointed at a local health endpoint (pipeline variables
	# outrank job variables).
	grep -q "MIGRATE_GATE_HEALTH_URLS: https://" "$proj/.gitlab-ci.yml" || fail "deploy: the example shows no health URL"
	/usr/bin/python3 "$MIGRATE_GATE_SRC/tests/lib/http_server.py" --port-file "$CHECK_WORK/health.port" \
		--log "$OUT/health.requests" --idle 600 --max-seconds 1800 &
	health_pid=$!
	for _ in $(seq 1 100); do [ -s "$CHECK_WORK/health.port" ] && break; sleep 0.05; done
	health_url=http://127.0.0.1:$(cat "$CHECK_WORK/health.port")/healthz
	pipeline deploy migrations:deploy CI_COMMIT_BRANCH=main CI_DEFAULT_BRANCH=main \
		MIGRATE_GATE_PRODUCTION_URL="$(pg_url prod)" MIGRATE_GATE_FAIL_ON=never MIGRATE_GATE_HEALTH_URLS="$health_url" \
		MIGRATE_GATE_HEALTH_INTERVAL=100ms
	kill "$health_pid" 2>/dev/null || true
	[ "$GCL_RC" = 0 ] || fail "deploy: the pipeline failed: $(tail -n 20 "$OUT/deploy.log")"
	ls "$proj/migrate-gate-backups"/prod-*.tar.zst > /dev/null 2>&1 || fail "deploy: no backup archive in the artifact"
	[ "$(pg_psql -d prod -At -c 'SELECT version_num FROM alembic_version')" = 0006 ] ||
		fail "deploy: production is not at examples/atol's head 0006"
	$PY -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if r["passed"] and r["backup"]["passed"] and [s["status"] for s in r["stages"]] == ["passed"] * 5 and [h["url"] for h in r["verify"]["health"] if h["passed"]] == [sys.argv[2]] else 1)' \
		"$reports/report.json" "$health_url" || fail "deploy: report.json does not say all five stages passed, the health URL included"
	[ -s "$reports/junit.xml" ] || fail "deploy: no junit artifact"
else
	echo "skip: the deploy job (no 'migrate-gate deploy' in this build yet)"
fi
expect_clean gitlab "$proj"
check_done "gitlab_ci_local: the example pipeline's check job and its reports"
