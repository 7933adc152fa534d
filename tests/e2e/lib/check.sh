# Shared by tests/e2e/check_*.sh: runs `migrate-gate check` with a private
# TMPDIR and asserts on its exit status, its JSON report and what it leaves
# behind. Source it after `set -euo pipefail`:
#
#     . "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
#     mg_check good -C "$FIXTURES/good"       # report in $CHECK_WORK/good.json
#     expect_rc good 0
#     expect_findings good replay <<'EOF'     # rule|revision|file|line|message (first line)
#     EOF
#     expect_clean good                       # no scratch dir, no postgres, no driver left
#
# Every scratch cluster goes under $CHECK_TMP (migrate-gate's TMPDIR), so a
# leftover is found without racing other tests that use /tmp.
#
# Outputs: each mg_check's NAME.json and NAME.err, and every file given to `keep FILE...`
# (a report a test wrote itself), are copied to $TEST_OUTPUTS on exit
# (tests/lib/outputs.sh), where the suite-wide secret check reads them. A test that
# records a secret on purpose (an input, a stand-in's view of the environment) does
# not keep that file.

: "${MIGRATE_GATE_BIN:?run through ctest}" "${MIGRATE_GATE_SRC:?run through ctest}"
FIXTURES=$MIGRATE_GATE_SRC/tests/fixtures/alembic
. "$MIGRATE_GATE_SRC/tests/lib/outputs.sh"
CHECK_WORK=$(mktemp -d /tmp/mg-check-e2e.XXXXXX)
CHECK_TMP=$CHECK_WORK/t
mkdir "$CHECK_TMP"
# As root the scratch server runs as postgres, which must reach its dir.
chmod 711 "$CHECK_WORK" "$CHECK_TMP"
CHECK_FAILED=0
# The replay's own rules; every other rule id is a lint rule.
REPLAY_RULES="replay-step-failed downgrade-leaves-object downgrade-removes-object downgrade-changes-object
upgrade-not-repeatable empty-downgrade irreversible-downgrade concurrently-outside-autocommit downgrade-does-nothing data-migration-downgrade
version-stamp-lost table-rewrite capture-bypassed capture-incomplete column-order-changed model-drift not-replayed"

CHECK_KEEP=()
# keep FILE...: copied to $TEST_OUTPUTS when the test ends.
keep() {
	CHECK_KEEP+=("$@")
}

_check_on_exit() {
	local status=$1 f
	[ "$CHECK_FAILED" = 0 ] || status=1
	for f in ${CHECK_KEEP[@]+"${CHECK_KEEP[@]}"}; do
		[ ! -f "$f" ] || cp "$f" "$TEST_OUTPUTS/" 2>/dev/null || true
	done
	if [ "$status" = 0 ]; then
		rm -rf "$CHECK_WORK"
	else
		echo "(outputs kept in $CHECK_WORK)" >&2
	fi
	exit "$status"
}
trap '_check_on_exit $?' EXIT

fail() {
	echo "FAIL: $*" >&2
	CHECK_FAILED=1
}

# mg_check NAME ARGS...: migrate-gate check --format json ARGS; report in
# $CHECK_WORK/NAME.json, stderr in NAME.err, status in CHECK_RC, seconds in CHECK_SECS.
# CHECK_CWD: the dir to run it in; CHECK_ENV: VAR=value words for its environment;
# the array CHECK_ARGS: options for every run (e.g. use_scratch_cache).
mg_check() {
	local name=$1 start
	shift
	keep "$CHECK_WORK/$name.json" "$CHECK_WORK/$name.err"
	start=$(date +%s%N)
	CHECK_RC=0
	(cd "${CHECK_CWD:-.}" && set -f && exec env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD \
		-u DATABASE_URI -u DATABASE_URL ${CHECK_ENV:-} TMPDIR="$CHECK_TMP" \
		timeout -s KILL "${CHECK_KILL_AFTER:-180}" "$MIGRATE_GATE_BIN" check --format json ${CHECK_ARGS[@]+"${CHECK_ARGS[@]}"} "$@") \
		>"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" || CHECK_RC=$?
	CHECK_SECS=$((($(date +%s%N) - start) / 1000000000))
}

# check_pg_start: a private PostgreSQL from lib/pg.sh (its PG* variables are kept from
# migrate-gate: mg_check unsets them, so only the URLs a test passes reach a server).
check_pg_start() {
	. "$MIGRATE_GATE_SRC/tests/e2e/lib/pg.sh"
	pg_start
	trap '_check_pg_exit $?' EXIT
}

_check_pg_exit() {
	local status=$1
	[ "$CHECK_FAILED" = 0 ] || status=1
	if [ "$status" != 0 ] && [ -f "${PG_DIR:-}/server.log" ]; then
		echo "--- end of the test server's log" >&2
		tail -n 30 "$PG_DIR/server.log" >&2
	fi
	pg_stop
	_check_on_exit "$status"
}

# For tests about findings rather than the scratch server: copy one initdb'd template instead
# of running initdb each time. One cache serves every test of a build tree (SCRATCH_CACHE; the
# template is built aside and renamed into place, so concurrent tests are safe).
SCRATCH_CACHE=${MIGRATE_GATE_BUILD:-$CHECK_WORK}/scratch-cache
use_scratch_cache() {
	CHECK_ARGS=(--scratch-cache "$SCRATCH_CACHE")
}

# expect_rc NAME CODE
expect_rc() {
	if [ "$CHECK_RC" != "$2" ]; then
		fail "$1: exit status $CHECK_RC, expected $2"
		sed 's/^/  stderr: /' "$CHECK_WORK/$1.err" >&2
	fi
}

# findings NAME replay|lint|errors|all: one line per finding (errors: at level error), rule|revision|file|line|message's first line
# (lint messages without the quoted SQL), in report order.
findings() {
	python3 - "$CHECK_WORK/$1.json" "$2" "$REPLAY_RULES" <<'PY'
import json, sys
path, which, replay = sys.argv[1], sys.argv[2], set(sys.argv[3].split())
try:
    report = json.load(open(path))
except ValueError as e:
    print("no JSON report: %s" % e)
    sys.exit(0)
for f in report["findings"]:
    is_replay = f["rule"] in replay
    if which == "replay" and not is_replay or which == "lint" and is_replay:
        continue
    if which == "errors" and f["severity"] != "error":
        continue
    msg = f["message"].split("\n")[0] if is_replay else f["message"].split(" (SQL: ")[0]
    print("|".join([f["rule"], f.get("revision", ""), f.get("file", ""), str(f.get("line", "")), msg]))
PY
}

# expect_findings NAME replay|lint|errors|all <<EOF ... EOF: exactly these findings, in this order.
expect_findings() {
	local want got
	want=$(cat)
	got=$(findings "$1" "$2")
	if [ "$want" != "$got" ]; then
		fail "$1: $2 findings differ"
		diff <(echo "$want") <(echo "$got") | sed 's/^/  /' >&2 || true
	fi
}

# expect_json NAME PYTHON-EXPR: the expression over `r` (the report) is true.
expect_json() {
	if ! python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$CHECK_WORK/$1.json" "$2" 2>/dev/null; then
		fail "$1: report does not satisfy: $2"
	fi
}

# expect_err NAME TEXT: stderr holds TEXT (fixed string).
expect_err() {
	grep -qF -- "$2" "$CHECK_WORK/$1.err" || {
		fail "$1: stderr lacks: $2"
		sed 's/^/  stderr: /' "$CHECK_WORK/$1.err" >&2
	}
}

# Processes whose working directory or command line is under DIR (a driver runs in its project dir).
# One find and one grep over /proc: a readlink and a grep per process took minutes on a loaded
# machine. The pattern goes through a file so that grep does not find itself; DIR holds no glob.
procs_under() {
	[ -n "$1" ] || return 0
	{
		find /proc/[0-9]*/cwd -maxdepth 0 -lname "$1*" 2>/dev/null
		grep -lsFf <(printf '%s\n' "$1") /proc/[0-9]*/cmdline
	} | cut -d/ -f3 | grep -vx -e "$$" -e "$BASHPID" | sort -u || true
}

# server_running MARKER: the scratch dir (in $CHECK_TMP, /tmp or /dev/shm) whose server runs a query
# holding MARKER, or nothing: how a test knows a revision is running before it interrupts it.
server_running() {
	local d sock psql
	psql=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
	for d in "$CHECK_TMP"/migrate-gate-* /tmp/migrate-gate-* /dev/shm/migrate-gate-*; do
		for sock in "$d"/.s.PGSQL.*; do
			[ -S "$sock" ] || continue
			if [ "$("$psql" -X -At -h "$d" -p "${sock##*.}" -U postgres -d postgres -c \
				"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%$1%' AND pid <> pg_backend_pid()" 2>/dev/null)" = 1 ]; then
				echo "$d"
				return
			fi
		done
	done
}

# expect_clean NAME [PROJECT_DIR]: no scratch dir in $CHECK_TMP, no process of it (postgres, and
# the driver when the project dir is private to the test).
expect_clean() {
	local left procs
	left=$(ls -A "$CHECK_TMP")
	[ -z "$left" ] || fail "$1: left in TMPDIR: $left"
	# A process the gate killed on its way out may still be exiting (or a zombie not reaped yet) on
	# a loaded machine: a leftover is one still there after 3 s.
	local i
	for i in $(seq 30); do
		procs=$(procs_under "$CHECK_TMP")
		[ -z "${2:-}" ] || procs="$procs $(procs_under "$2")"
		procs=$(echo $procs)
		[ -n "$procs" ] || break
		sleep 0.1
	done
	if [ -n "$procs" ]; then
		fail "$1: processes left: $(ps -o pid=,args= -p "${procs// /,}" 2>/dev/null)"
	fi
	rm -rf "${CHECK_TMP:?}"/* 2>/dev/null || true
}

# expect_bad_input NAME CODE TEXT: exit CODE, stderr has one `error:` line holding TEXT and a
# `hint:` line right after it, no report on stdout, and nothing left behind.
expect_bad_input() {
	local err=$CHECK_WORK/$1.err failed_before=$CHECK_FAILED
	CHECK_FAILED=0
	expect_rc "$1" "$2"
	[ "$(grep -c '^error: ' "$err")" = 1 ] || fail "$1: not exactly one error: line"
	grep -A1 '^error: ' "$err" | tail -n 1 | grep -q '^hint: ' || fail "$1: no hint: line after the error"
	grep '^error: ' "$err" | grep -qF -- "$3" || fail "$1: the error does not say: $3"
	[ ! -s "$CHECK_WORK/$1.json" ] || fail "$1: a report was written"
	[ "$CHECK_FAILED" = 0 ] || sed 's/^/  stderr: /' "$err" >&2
	expect_clean "$1" "${4:-}"
	[ "$failed_before" = 0 ] || CHECK_FAILED=1
}

# private_copy FIXTURE: a copy of a fixture project in $CHECK_WORK, printed.
private_copy() {
	local dir=$CHECK_WORK/proj-$1-$RANDOM
	cp -r "$FIXTURES/$1" "$dir"
	chmod -R a+rX "$dir"
	echo "$dir"
}

check_done() {
	if [ "$CHECK_FAILED" != 0 ]; then
		echo "FAILED" >&2
		exit 1
	fi
	echo "ok: $*"
}
