#!/usr/bin/env bash
# Issue 15: every wait of the gate on production is bounded and announced, and nothing of a
# stopped apply outlives it. One server for every case:
#   1. a session holds ACCESS EXCLUSIVE on users: status, plan, backup, apply and deploy each wait
#      at most --lock-wait (1 s), name the holder's pid and application_name on stderr within 2 s,
#      exit 3 with the holder in the JSON report, and change nothing;
#   2. kill -9 of apply while its revision holds ACCESS EXCLUSIVE in a 10 s statement: the lock is
#      gone within 5 s (client_connection_check_interval), and so is the `sleep` the revision
#      started in the background (the watchdog ends the driver's process group);
#   3. SIGINT of apply in the same statement: exit 130, the revision named, production's revision;
#   4. a migration session left by an earlier run: named and waited for, then ended with
#      --terminate-leftovers;
#   5. plan sizes a partitioned table as the sum of its partitions.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good

prod_at prod "$good" r0001
pg_psql -d prod -c "INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 200) g" >/dev/null
schema_before=$(schema_of prod)

# ---- 1. a held ACCESS EXCLUSIVE lock ---------------------------------------------------------
mkdir -p "$WORK/backups"
# busy NAME CMD ARGS...: runs the command while a session holds users (a new one each time: it lets go
# after 120 s), then expects exit 3 within 30 s (the machine may be loaded), the holder announced on
# stderr and named in the error.
busy() {
	local name=$1
	hold holder prod "holder app" "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"
	holder=$(cat "$WORK/holder.pid")
	mg "$@" --production-url "$(pg_url prod)" --lock-wait 1s
	release holder
	expect_rc "$name" 3
	[ "$SECS" -lt 30000 ] || fail "$name: took $SECS ms with --lock-wait 1s"
	expect_err "$name" "waits for relation users"
	expect_err "$name" "blocked by pid $holder (application_name 'holder app', state 'idle in transaction'"
	expect_err "$name" "LOCK TABLE users IN ACCESS EXCLUSIVE MODE)"
	expect_err "$name" "error: production is busy"
}
busy status status -C "$good" --backup-dir "$WORK/backups"
busy plan plan -C "$good"
expect_json plan "'pid $holder' in r['failure'] and 'holder app' in r['failure']"
busy backup backup --backup-dir "$WORK/backups"
[ -z "$(ls "$WORK/backups")" ] || fail "backup: something was written: $(ls "$WORK/backups")"
busy apply apply -C "$good" --lock-timeout 1s
expect_json apply "'pid $holder' in r['failure']"
busy deploy deploy -C "$good" --backup-dir "$WORK/backups"
expect_json deploy "'pid $holder' in r['failure']"
[ "$(versions_of prod)" = r0001 ] || fail "production's revision changed to $(versions_of prod)"
[ "$(schema_of prod)" = "$schema_before" ] || fail "production's schema changed"
wait_quiet prod 10 || true


# ---- 2. kill -9 of apply during a 10 s statement that holds ACCESS EXCLUSIVE -------------------
proj=$WORK/sleepy
cp -r "$good" "$proj"
cat >"$proj/versions/r0004.py" <<'PY'
"""lock users, start a background process, sleep 10 s

Revision ID: r0004
Revises: r0003
"""
import subprocess

from alembic import op

revision = 'r0004'
down_revision = 'r0003'
branch_labels = None
depends_on = None


def upgrade():
    subprocess.Popen(["sleep", "977"])
    op.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
    op.execute("SELECT pg_sleep(10)")


def downgrade():
    pass
PY
chmod -R a+rX "$proj"
gate() { # gate NAME DB: apply in the background (SIGINT ignored, as `cmd &` does); its pid in GATE_PID
	env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE TMPDIR="$WORK/t" "$MIGRATE_GATE_BIN" apply -C "$proj" \
		--production-url "$(pg_url "$2")" --format json -o "$OUT/$1.json" >/dev/null 2>"$OUT/$1.err" &
	GATE_PID=$!
	APPLY_KILL="$APPLY_KILL $GATE_PID"
}
users_locked() { # the migration session of r0004 holds users, in its pg_sleep
	pg_psql -At -d "$1" -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE l.relation = 'users'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted
		AND a.application_name = 'migrate-gate r0004' AND a.query LIKE '%pg_sleep%'"
}
sleeper() { pgrep -f '^sleep 977$' || true; }
wait_locked() { # wait_locked DB NAME: up to 60 s
	local i
	for i in $(seq 1 600); do
		[ "$(users_locked "$1")" = 1 ] && return 0
		kill -0 "$GATE_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$2: the revision never held users in its pg_sleep"
	cat "$OUT/$2.err" >&2
	return 1
}

prod_at killed "$good" r0003
gate kill9 killed
if wait_locked killed kill9; then
	[ -n "$(sleeper)" ] || fail "kill9: the revision's background sleep did not start"
	kill -9 "$GATE_PID"
	t0=$(date +%s%N)
	for i in $(seq 1 100); do
		[ "$(pg_psql -At -d killed -c "SELECT count(*) FROM pg_locks WHERE relation = 'users'::regclass")" = 0 ] && break
		sleep 0.1
	done
	held_ms=$((($(date +%s%N) - t0) / 1000000))
	echo "kill -9: the lock on users was released after $held_ms ms"
	[ "$held_ms" -lt 5000 ] || fail "kill9: production's lock on users was held $held_ms ms after kill -9 of apply"
	for i in $(seq 1 30); do [ -z "$(sleeper)" ] && break; sleep 0.1; done
	[ -z "$(sleeper)" ] || fail "kill9: the revision's background process outlived kill -9 of the gate: $(sleeper)"
	[ "$(versions_of killed)" = r0003 ] || fail "kill9: production is at $(versions_of killed)"
fi
wait "$GATE_PID" 2>/dev/null || true
pkill -KILL -f '^sleep 977$' 2>/dev/null || true

# ---- 3. SIGINT of apply in the same statement -------------------------------------------------
prod_at interrupted "$good" r0003
gate sigint interrupted
if wait_locked interrupted sigint; then
	kill -INT "$GATE_PID"
	RC=0
	wait "$GATE_PID" || RC=$?
	expect_rc sigint 130
	expect_err sigint "interrupted by SIGINT during the upgrade of revision 'r0004'; production is at r0003"
	expect_json sigint "'interrupted by SIGINT' in r['failure'] and r['production']['revision'] == ['r0003']"
	[ "$(versions_of interrupted)" = r0003 ] || fail "sigint: production is at $(versions_of interrupted)"
	for i in $(seq 1 30); do [ -z "$(sleeper)" ] && break; sleep 0.1; done
	[ -z "$(sleeper)" ] || fail "sigint: the revision's background process outlived the run"
fi
pkill -KILL -f '^sleep 977$' 2>/dev/null || true

# ---- 4. a migration session of an earlier run --------------------------------------------------
prod_at left "$good" r0001
hold leftover left "migrate-gate r0002" "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"
leftover=$(cat "$WORK/leftover.pid")
mg leftwait apply -C "$good" --production-url "$(pg_url left)" --lock-wait 1s
expect_rc leftwait 4
expect_err leftwait "waiting for migration sessions of an earlier run to end"
expect_err leftwait "pid $leftover (application_name 'migrate-gate r0002', state 'idle in transaction'"
[ "$SECS" -lt 30000 ] || fail "leftwait: took $SECS ms"
mg leftkill apply -C "$good" --production-url "$(pg_url left)" --lock-wait 1s --terminate-leftovers
expect_rc leftkill 0
expect_err leftkill "ending a migration session of an earlier run (--terminate-leftovers): pid $leftover"
[ "$(versions_of left)" = r0003 ] || fail "leftkill: production is at $(versions_of left)"
release leftover

# ---- 5. a partitioned table's size is its partitions' ------------------------------------------
part=$WORK/part
cp -r "$good" "$part"
cat >"$part/versions/r0004.py" <<'PY'
"""index the partitioned measurements

Revision ID: r0004
Revises: r0003
"""
from alembic import op

revision = 'r0004'
down_revision = 'r0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_measurements_v', 'measurements', ['v'])


def downgrade():
    op.drop_index('ix_measurements_v', table_name='measurements')
PY
chmod -R a+rX "$part"
prod_at parted "$good" r0003
pg_psql -d parted -c "CREATE TABLE measurements (k int, v int) PARTITION BY RANGE (k)" \
	-c "CREATE TABLE m1 PARTITION OF measurements FOR VALUES FROM (0) TO (5000)" \
	-c "CREATE TABLE m2 PARTITION OF measurements FOR VALUES FROM (5000) TO (10000)" \
	-c "INSERT INTO measurements SELECT g, g FROM generate_series(0, 9999) g" -c "ANALYZE measurements" >/dev/null
want=$(pg_psql -At -d parted -c "SELECT pg_total_relation_size('m1') + pg_total_relation_size('m2')")
mg partplan plan -C "$part" --production-url "$(pg_url parted)"
expect_rc partplan 0
expect_json partplan "[t['bytes'] for t in r['revisions'][0]['tables'] if t['name'] == 'measurements'] == [$want]"
expect_json partplan "[t['rows'] for t in r['revisions'][0]['tables'] if t['name'] == 'measurements'] == [10000]"

apply_done "held locks, kill -9, SIGINT, leftovers, partitions"
