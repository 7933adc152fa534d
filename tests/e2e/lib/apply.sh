# Shared by tests/e2e/apply_*.sh and deploy_*.sh: a private PostgreSQL (lib/pg.sh)
# standing in for production, databases brought to a revision by the real
# alembic CLI, and runs of migrate-gate whose every output is kept under
# $MIGRATE_GATE_BUILD/test-outputs/<test name>/ (the suite greps them for secrets).
# Source it after `set -euo pipefail`:
#
#     . "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
#     apply_start                           # the server, OUT, WORK
#     prod_at prod good r0001               # database prod, alembic at r0001 of fixture good
#     mg apply1 apply -C "$FIXTURES/good" --production-url "$(pg_url prod)"
#     expect_rc apply1 0                    # stdout in $OUT/apply1.out, stderr in .err, json in .json
#
# mg NAME CMD ARGS: runs `migrate-gate CMD --format json -o $OUT/NAME.json ARGS`, then the
# same report as text is not needed: stdout (empty with -o) and stderr are kept. MG_TEXT=1
# writes the text report to $OUT/NAME.out instead.

: "${MIGRATE_GATE_BIN:?run through ctest}" "${MIGRATE_GATE_SRC:?run through ctest}" "${MIGRATE_GATE_BUILD:?run through ctest}"
FIXTURES=$MIGRATE_GATE_SRC/tests/fixtures/alembic
TEST_NAME=$(basename "$0" .sh)
OUT=$MIGRATE_GATE_BUILD/test-outputs/e2e-$TEST_NAME
rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/mg-apply-e2e.XXXXXX)
chmod 711 "$WORK"
mkdir -m 777 "$WORK/t"
APPLY_FAILED=0
APPLY_KILL=
. "$MIGRATE_GATE_SRC/tests/e2e/lib/pg.sh"

fail() {
	echo "FAIL: $*" >&2
	APPLY_FAILED=1
}

_apply_on_exit() {
	local status=$1
	[ "$APPLY_FAILED" = 0 ] || status=1
	local pid
	for pid in ${APPLY_KILL:-}; do
		kill "$pid" 2>/dev/null || true
	done
	if [ "$status" != 0 ] && [ -f "${PG_DIR:-}/server.log" ]; then
		echo "--- end of the test server's log" >&2
		tail -n 30 "$PG_DIR/server.log" >&2
		echo "(outputs kept in $OUT)" >&2
	fi
	pg_stop
	rm -rf "$WORK"
	exit "$status"
}

apply_start() {
	pg_start
	trap '_apply_on_exit $?' EXIT
}

# prod_at DB PROJECT_DIR REV: a new database that the alembic CLI (its own interpreter) brought to REV
# ("" leaves it empty).
prod_at() {
	pg_createdb "$1"
	[ -z "$3" ] && return 0
	(cd "$2" && DATABASE_URI=$(pg_url "$1") /usr/bin/python3 -m alembic -c alembic.ini upgrade "$3") \
		>"$OUT/alembic-$1.log" 2>&1 || {
		cat "$OUT/alembic-$1.log" >&2
		fail "alembic could not bring $1 to $3"
	}
}

# The rows of alembic_version, space-separated.
versions_of() {
	pg_psql -At -d "$1" -c "SELECT string_agg(version_num, ' ' ORDER BY version_num) FROM alembic_version" 2>/dev/null || true
}

# mg NAME CMD ARGS...: status in RC (and $OUT/NAME.rc), milliseconds in SECS; outputs in
# $OUT/NAME.{json,out,err}.
mg() {
	local name=$1 cmd=$2 start fmt
	shift 2
	start=$(date +%s%N)
	RC=0
	if [ "${MG_TEXT:-0}" = 1 ]; then
		fmt=(--format text)
	else
		fmt=(--format json -o "$OUT/$name.json")
	fi
	(cd "${MG_CWD:-$WORK}" && exec env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD -u DATABASE_URI \
		-u DATABASE_URL TMPDIR="$WORK/t" ${MG_ENV:-} timeout -s KILL 300 "$MIGRATE_GATE_BIN" "$cmd" "${fmt[@]}" "$@") \
		>"$OUT/$name.out" 2>"$OUT/$name.err" || RC=$?
	SECS=$((($(date +%s%N) - start) / 1000000))
	echo "$RC" >"$OUT/$name.rc"
}

# rc_of NAME: the exit status of a run that went to the background (mg NAME ... &).
rc_of() {
	RC=$(cat "$OUT/$1.rc" 2>/dev/null || echo "none")
}

# expect_rc NAME CODE
expect_rc() {
	if [ "$RC" != "$2" ]; then
		fail "$1: exit status $RC, expected $2"
		sed 's/^/  stderr: /' "$OUT/$1.err" | tail -n 30 >&2
	fi
}

# expect_json NAME PYTHON-EXPR: true of the report `r`.
expect_json() {
	if ! python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$OUT/$1.json" "$2" 2>"$OUT/$1.expect.err"; then
		fail "$1: report does not satisfy: $2"
		head -c 3000 "$OUT/$1.json" | sed 's/^/  json: /' >&2 || true
	fi
}

# json_get NAME PYTHON-EXPR: prints the value.
json_get() {
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT/$1.json" "$2"
}

# expect_err NAME TEXT: stderr holds TEXT.
expect_err() {
	grep -qF -- "$2" "$OUT/$1.err" || {
		fail "$1: stderr lacks: $2"
		sed 's/^/  stderr: /' "$OUT/$1.err" | tail -n 20 >&2
	}
}

# expect_out NAME TEXT: stdout holds TEXT.
expect_out() {
	grep -qF -- "$2" "$OUT/$1.out" || {
		fail "$1: stdout lacks: $2"
		sed 's/^/  stdout: /' "$OUT/$1.out" | tail -n 20 >&2
	}
}

# The schema of a database without alembic_version, as pg_dump -s prints it (comments dropped).
schema_of() {
	"$PG_BINDIR/pg_dump" -s -O -x -T alembic_version -d "$1" | grep -v '^--' | grep -v '^$' | grep -v '^SET ' \
		| grep -v 'set_config' | grep -v '^\\restrict\|^\\unrestrict' || true
}

# No session of ours may be left: advisory locks and "migrate-gate ..." sessions end with their client.
# wait_quiet DB SECONDS: waits for both to be gone; fails the test when they are not.
wait_quiet() {
	local i n
	for i in $(seq 1 $((${2:-10} * 10))); do
		n=$(pg_psql -At -d "$1" -c "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory')
			+ (SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'migrate-gate%')")
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	fail "$1: sessions or advisory locks of migrate-gate are still there after ${2:-10} s"
	pg_psql -d "$1" -c "SELECT pid, application_name, state, query FROM pg_stat_activity WHERE datname = '$1'" >&2
	return 1
}

apply_done() {
	if [ "$APPLY_FAILED" != 0 ]; then
		echo "FAILED (outputs in $OUT)" >&2
		exit 1
	fi
	echo "ok: $*"
}

# hold NAME DB APPNAME SQL...: a session (lib/session.py) that runs SQL in a transaction and keeps it
# open until `release NAME`. Its backend pid is in $WORK/NAME.pid once it is ready.
hold() {
	local name=$1 db=$2 app=$3
	shift 3
	rm -f "$WORK/$name.pid" "$WORK/$name.release"
	/usr/bin/python3 "$MIGRATE_GATE_SRC/tests/e2e/lib/session.py" "$(pg_url "$db")" "$app" "$WORK/$name.pid" \
		"$WORK/$name.release" "$@" 2>"$OUT/hold-$name.err" &
	eval "HOLD_$name=$!"
	APPLY_KILL="${APPLY_KILL:-} $!"
	local i
	for i in $(seq 1 300); do
		[ -s "$WORK/$name.pid" ] && return 0
		sleep 0.05
	done
	fail "the $name session did not start"
	cat "$OUT/hold-$name.err" >&2
}

release() {
	local pid
	touch "$WORK/$1.release"
	eval "pid=\$HOLD_$1"
	wait "$pid" 2>/dev/null || true
}

# lock_key DB SCRIPT_LOCATION: apply's advisory lock key (FNV-1a 64 of
# "migrate-gate\0DB\0SCRIPT_LOCATION\0", as a signed bigint).
lock_key() {
	python3 -c '
import sys
h = 14695981039346656037
for b in b"migrate-gate\0" + sys.argv[1].encode() + b"\0" + sys.argv[2].encode() + b"\0":
    h = ((h ^ b) * 1099511628211) % 2**64
print(h - 2**64 if h >= 2**63 else h)' "$1" "$2"
}
