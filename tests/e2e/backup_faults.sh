#!/usr/bin/env bash
# migrate-gate backup when things go wrong, with a real server and real processes: a full disk
# (ulimit -f, and a small tmpfs when we may mount one), pg_dump killed halfway, pg_dump missing
# or too old, an unwritable --backup-dir, and the server going away mid-dump. Each time: exit 3,
# one clear error with a hint, no complete-looking archive, no temporary dir left, and the old
# archive that --keep 1 would have pruned is still there.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
bk_start
DIR=$BK_WORK/backups
OLD=prod-20200101T000000Z-r0001.tar.zst
mkdir -p "$DIR"
touch "$DIR/$OLD"
BEFORE=$(archives "$DIR" | tr '\n' ' ')
# Rows that do not compress away: the archive is megabytes, the dump takes a while.
pg_psql -d prod -c "INSERT INTO note (account_id, body) SELECT 1 + i % 20000, repeat(md5(i::text), 8) FROM generate_series(1, 150000) i" >/dev/null

# expect_fault NAME TEXT [DIR]: the outcome every fault must have.
expect_fault() {
	local dir=${3:-$DIR}
	expect_one_error "$1" 3 "$2"
	expect_no_new_archive "$1" "$dir" "$BEFORE"
	ls -A "$dir" | grep -q '\.failed' && fail "$1: a .failed archive was kept: $(ls -A "$dir")"
	[ -e "$dir/$OLD" ] || fail "$1: the old archive was pruned"
}

# bindir NAME SCRIPT: a copy of $BK_BIN whose pg_dump is SCRIPT (bash; REAL is the real pg_dump).
bindir() {
	local d=$BK_WORK/bin-$1
	cp -a "$BK_BIN" "$d"
	{
		echo '#!/usr/bin/env bash'
		echo "REAL=$PG_BINDIR/pg_dump"
		echo '[ "${1:-}" = --version ] && exec "$REAL" --version'
		cat
	} >"$d/pg_dump"
	chmod 755 "$d/pg_dump"
	echo "$d"
}

backup() { # backup NAME ARGS...: a backup of prod into $DIR that would prune the old archive
	local name=$1
	shift
	mg "$name" backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --keep 1 "$@"
}

# A file size limit (ulimit -f) below the archive's size: a write error, not a SIGXFSZ death.
BK_ULIMIT=4 backup full-ulimit --pg-bindir "$BK_BIN"
expect_fault full-ulimit "cannot write the archive"
expect_err full-ulimit "File too large"

# A full disk: a 256 KiB tmpfs in a mount namespace of its own (root only).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	small=$BK_WORK/small
	mkdir -p "$small"
	RC=0
	unshare -m bash -c '
		dir=$1 listing=$3
		mount -t tmpfs -o size=256k tmpfs "$dir" && touch "$dir/$2" || exit 99
		shift 3
		"$@"; rc=$?
		ls -A "$dir" >"$listing"
		exit $rc' _ "$small" "$OLD" "$OUT/full-tmpfs.listing" env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD \
		TMPDIR="$BK_WORK/tmp" "$MIGRATE_GATE_BIN" backup --production-url "$(bk_url prod)" \
		--backup-dir "$small" --keep 1 --pg-bindir "$BK_BIN" >"$OUT/full-tmpfs.out" 2>"$OUT/full-tmpfs.err" || RC=$?
	expect_one_error full-tmpfs 3 "No space left on device"
	[ "$(cat "$OUT/full-tmpfs.listing")" = "$OLD" ] || fail "full-tmpfs: left on the disk: $(cat "$OUT/full-tmpfs.listing")"
else
	echo "skip: full tmpfs (needs root and unshare -m)"
fi

# pg_dump killed halfway through its output.
d=$(bindir killed <<'EOF'
"$REAL" "$@" | head -c 100000
kill -9 $$
EOF
)
backup killed --pg-bindir "$d"
expect_fault killed "pg_dump was killed by signal 9"

# pg_dump missing, and pg_dump too old for the server.
mkdir -p "$BK_WORK/empty"
backup missing --pg-bindir "$BK_WORK/empty"
expect_fault missing "no pg_dump found in $BK_WORK/empty"
expect_err missing "hint: install postgresql-client-15"
d=$(bindir old <<'EOF'
echo "unreachable"
EOF
)
printf '#!/bin/sh\necho "pg_dump (PostgreSQL) 12.3 (Debian 12.3-1)"\n' >"$d/pg_dump"
backup old --pg-bindir "$d"
expect_fault old "no pg_dump of version 15 or later for the server (PostgreSQL 15): found $d/pg_dump 12.3"

# --backup-dir not writable: a read-only bind mount as root (root ignores mode bits), else mode 555.
ro=$BK_WORK/ro
mkdir -p "$ro"
touch "$ro/$OLD"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	RC=0
	unshare -m bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99; shift; exec "$@"' _ "$ro" \
		env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD TMPDIR="$BK_WORK/tmp" "$MIGRATE_GATE_BIN" backup \
		--production-url "$(bk_url prod)" --backup-dir "$ro" --keep 1 --pg-bindir "$BK_BIN" \
		>"$OUT/readonly.out" 2>"$OUT/readonly.err" || RC=$?
else
	chmod 555 "$ro"
	mg readonly backup --production-url "$(bk_url prod)" --backup-dir "$ro" --keep 1 --pg-bindir "$BK_BIN"
fi
expect_fault readonly "cannot write in the backup dir '$ro'" "$ro"

# SIGTERM in the middle of the dump: the temporary dir goes with the process.
d=$(bindir term <<EOF
"\$REAL" "\$@" | { head -c 200000; touch "$BK_WORK/midway"; sleep 5; cat; }
EOF
)
RC=0
env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGPASSWORD TMPDIR="$BK_WORK/tmp" "$MIGRATE_GATE_BIN" backup \
	--production-url "$(bk_url prod)" --backup-dir "$DIR" --keep 1 --pg-bindir "$d" >"$OUT/term.out" 2>"$OUT/term.err" &
gate=$!
for _ in $(seq 1200); do [ -e "$BK_WORK/midway" ] && break; sleep 0.1; done
ls -A "$DIR" | grep -q '^\.migrate-gate-tmp' || fail "term: no temporary dir while the dump runs"
kill -TERM "$gate"
wait "$gate" || RC=$?
[ "$RC" = 143 ] || fail "term: exit status $RC, expected 143 (SIGTERM)"
expect_no_new_archive term "$DIR" "$BEFORE"
[ -e "$DIR/$OLD" ] || fail "term: the old archive was pruned"

# The server goes away in the middle of the dump (still running: the table is big enough).
d=$(bindir gone <<EOF
"\$REAL" "\$@" | { head -c 200000; pg_as_server_user() { if [ "\$(id -u)" = 0 ]; then runuser -u postgres -- "\$@"; else "\$@"; fi; }
pg_as_server_user "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -s -w stop >/dev/null 2>&1; cat; }
exit \${PIPESTATUS[0]}
EOF
)
backup gone --pg-bindir "$d"
expect_fault gone "pg_dump failed"
grep '^error: ' "$OUT/gone.err" | grep -qiE 'server closed the connection|terminating connection|connection' ||
	fail "gone: the error does not say the connection was lost"
pg_as_server_user "$PG_BINDIR/pg_ctl" -w -s -D "$PG_DIR/data" -l "$PG_DIR/server.log" start >/dev/null

# The wrapper logs show what pg_dump got: never the password, on its command line or elsewhere.
grep -q -- '--snapshot=' "$OUT/tool-argv.log" || fail "pg_dump did not get the exported snapshot"
grep -q 'PGPASSWORD=(set)' "$OUT/tool-argv.log" || fail "pg_dump did not get the password through its environment"
# The password only in PGPASSWORD, the URL without it in DATABASE_URI: the gate takes both out of its
# environment at startup (util/secret.h), and pg_dump still gets the password through its own.
BK_ENV="PGPASSWORD=$BK_PW DATABASE_URI=postgresql://gate@/prod?host=$PG_DIR&port=$PGPORT" \
	mg pgpassword backup --backup-dir "$BK_WORK/pgpassword" --pg-bindir "$BK_BIN"
expect_rc pgpassword 0
ls "$BK_WORK/pgpassword"/prod-*.tar.zst >/dev/null 2>&1 || fail "pgpassword: no archive"
bk_done "backup faults: PGPASSWORD only, full disk (ulimit, tmpfs), pg_dump killed, missing, too old, read-only dir, server gone"
