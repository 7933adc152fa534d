# Shared by tests/e2e/backup_*.sh: a private PostgreSQL with a "production" database behind a
# password, migrate-gate runs whose outputs are kept under $MIGRATE_GATE_BUILD/test-outputs/<test>/,
# and the assertions these tests make. Source it after `set -euo pipefail`:
#
#     . "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
#     bk_start                         # cluster, role "gate" with $BK_PW, database "prod" with rows
#     mg first backup --verify         # migrate-gate backup ... (--production-url is added for backup/status)
#     expect_rc first 0
#     expect_err first "backup written"
#     bk_done "what the test proved"
#
# Each run's stdout is in $OUT/NAME.out, stderr in $OUT/NAME.err, status in RC. Every run goes
# through a pg_dump/pg_restore wrapper dir ($BK_BIN) that records the argv and environment the
# tools got, so no secret may reach them there either.

: "${MIGRATE_GATE_BIN:?run through ctest}" "${MIGRATE_GATE_SRC:?run through ctest}"
TEST_NAME=$(basename "$0" .sh)
OUT=${MIGRATE_GATE_BUILD:-/tmp}/test-outputs/e2e_$TEST_NAME
rm -rf "$OUT"
mkdir -p "$OUT"
BK_WORK=$(mktemp -d /tmp/mg-backup-e2e.XXXXXX)
chmod 711 "$BK_WORK"
mkdir -m 711 "$BK_WORK/tmp"
BK_FAILED=0
BK_PW='bk-S3cr3t-pw-9f2'
BK_AWS_SECRET='bk-aws-SECRET-key-77'
BK_PIDS=()

fail() {
	echo "FAIL: $*" >&2
	BK_FAILED=1
}

_bk_exit() {
	local status=$1 pid
	[ "$BK_FAILED" = 0 ] || status=1
	for pid in ${BK_PIDS[@]+"${BK_PIDS[@]}"}; do
		kill "$pid" 2>/dev/null || true
	done
	if [ "$status" != 0 ] && [ -f "${PG_DIR:-}/server.log" ]; then
		echo "--- end of the test server's log" >&2
		tail -n 20 "$PG_DIR/server.log" >&2
	fi
	[ -z "${PG_DIR:-}" ] || pg_stop
	rm -rf "$BK_WORK"
	[ "$status" = 0 ] || echo "(outputs kept in $OUT)" >&2
	exit "$status"
}

# The role "gate" logs in with a password over the socket; "prod" holds two tables and
# alembic_version at r0002 (the fixture "good" project's revisions).
bk_start() {
	. "$MIGRATE_GATE_SRC/tests/e2e/lib/pg.sh"
	pg_start
	trap '_bk_exit $?' EXIT
	local hba=$PG_DIR/data/pg_hba.conf
	pg_psql -c "CREATE ROLE gate LOGIN SUPERUSER PASSWORD '$BK_PW'"
	{ echo "local all gate scram-sha-256"; cat "$hba"; } >"$hba.new"
	cat "$hba.new" >"$hba"
	pg_psql -c "SELECT pg_reload_conf()" >/dev/null
	pg_createdb prod
	bk_fill prod 20000
	bk_wrappers
}

# bk_fill DB ROWS: tables account (ROWS rows) and note (ROWS/10), an index, a view, a grant.
bk_fill() {
	pg_psql -d "$1" <<SQL
CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL, created timestamptz DEFAULT now());
CREATE INDEX ix_account_email ON account (email);
CREATE TABLE note (id serial PRIMARY KEY, account_id bigint REFERENCES account (id), body text);
CREATE VIEW recent AS SELECT id, email FROM account WHERE id > 10;
CREATE ROLE reader NOLOGIN;
GRANT SELECT ON account TO reader;
INSERT INTO account SELECT i, 'user' || i || '@example.com', '2024-01-01' FROM generate_series(1, $2) i;
INSERT INTO note (account_id, body) SELECT i, repeat('n', 50) FROM generate_series(1, $2 / 10) i;
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('r0002');
ANALYZE;
SQL
}

# bk_url DB: a URL with gate's password in it.
bk_url() {
	echo "postgresql://gate:$BK_PW@/${1:-prod}?host=$PG_DIR&port=$PGPORT"
}

# $BK_BIN: pg_dump and pg_restore that record argv and environment, then run the real ones.
bk_wrappers() {
	BK_BIN=$BK_WORK/bin
	mkdir -p "$BK_BIN"
	local tool
	for tool in "$PG_BINDIR"/*; do # the server binaries too: --pg-bindir also starts the --verify scratch
		ln -s "$tool" "$BK_BIN/"
	done
	for tool in pg_dump pg_restore; do
		rm -f "$BK_BIN/$tool"
		cat >"$BK_BIN/$tool" <<EOF
#!/usr/bin/env bash
{ printf '%s\n' "\$0 \$*"; env | grep -E '^PG|DATABASE|AWS' | sed 's/=.*/=(set)/'; } >>"$OUT/tool-argv.log"
exec "$PG_BINDIR/$tool" "\$@"
EOF
		chmod 755 "$BK_BIN/$tool"
	done
}

# mg NAME COMMAND ARGS...: migrate-gate COMMAND in $BK_WORK with a private TMPDIR.
mg() {
	local name=$1 cmd=$2 start
	shift 2
	RC=0
	start=$(date +%s%N)
	# BK_ULIMIT: a file size limit (KiB) for this run only.
	(cd "$BK_WORK" && { [ -z "${BK_ULIMIT:-}" ] || ulimit -f "$BK_ULIMIT"; } && exec env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD -u DATABASE_URI \
		TMPDIR="$BK_WORK/tmp" ${BK_ENV:-} timeout -s KILL 180 "$MIGRATE_GATE_BIN" "$cmd" "$@") \
		>"$OUT/$name.out" 2>"$OUT/$name.err" </dev/null || RC=$?
	SECS=$((($(date +%s%N) - start) / 1000000))
	echo "$name: exit $RC in ${SECS} ms" >>"$OUT/runs.log"
}

expect_rc() {
	if [ "$RC" != "$2" ]; then
		fail "$1: exit status $RC, expected $2"
		sed 's/^/  stderr: /' "$OUT/$1.err" >&2
	fi
}

# expect_err NAME TEXT: stderr holds TEXT (fixed string).
expect_err() {
	grep -qF -- "$2" "$OUT/$1.err" || {
		fail "$1: stderr lacks: $2"
		sed 's/^/  stderr: /' "$OUT/$1.err" >&2
	}
}

expect_out() {
	grep -qF -- "$2" "$OUT/$1.out" || {
		fail "$1: stdout lacks: $2"
		sed 's/^/  stdout: /' "$OUT/$1.out" >&2
	}
}

# expect_json NAME PYTHON-EXPR over `r`, the JSON on stdout.
expect_json() {
	if ! python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$OUT/$1.out" "$2"; then
		fail "$1: report does not satisfy: $2"
	fi
}

# expect_one_error NAME CODE TEXT: exit CODE, exactly one error: line holding TEXT, a hint: line after it.
expect_one_error() {
	local err=$OUT/$1.err
	expect_rc "$1" "$2"
	[ "$(grep -c '^error: ' "$err")" = 1 ] || fail "$1: not exactly one error: line"
	grep -A1 '^error: ' "$err" | tail -n 1 | grep -q '^hint: ' || fail "$1: no hint: line after the error"
	grep '^error: ' "$err" | grep -qF -- "$3" || {
		fail "$1: the error does not say: $3"
		sed 's/^/  stderr: /' "$err" >&2
	}
}

# archives DIR: the complete-looking archives in DIR (what a person would take for a backup).
archives() {
	ls -A "$1" 2>/dev/null | grep -E '\.(tar\.zst|tar\.gz|zip)$' || true
}

# expect_no_new_archive NAME DIR BEFORE: DIR holds the same complete archives as BEFORE and no temporary dir.
expect_no_new_archive() {
	local now
	now=$(archives "$2" | tr '\n' ' ')
	[ "$now" = "$3" ] || fail "$1: archives changed: '$3' -> '$now'"
	if ls -A "$2" 2>/dev/null | grep -q '^\.migrate-gate-tmp'; then
		fail "$1: a temporary dir was left: $(ls -A "$2")"
	fi
}

# no_secret_anywhere: neither password nor AWS secret in any output or in the tools' argv log.
no_secret_anywhere() {
	local hits
	hits=$(grep -rlF -e "$BK_PW" -e "$BK_AWS_SECRET" "$OUT" 2>/dev/null || true)
	[ -z "$hits" ] || fail "a secret shows in: $hits"
}

bk_done() {
	no_secret_anywhere
	if [ "$BK_FAILED" != 0 ]; then
		echo "FAILED" >&2
		exit 1
	fi
	echo "ok: $*"
}
