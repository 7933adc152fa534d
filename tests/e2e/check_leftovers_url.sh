#!/usr/bin/env bash
# Nothing left behind after a SIGKILL with --scratch-url (issue 6, item 14), on a real server with
# password authentication:
# - kill -9 of `check` while a revision runs: its watchdog drops the migrate_gate_* database within a
#   bounded wait; the password reached it over its socket, so neither its argv nor its environment
#   (in /proc) shows it, although the gate's own environment holds the URL;
# - when the watchdog is killed too, the next run drops that database (its COMMENT records an owner
#   that is gone), and made-up ones by their records (a day old from another machine, a dead pid),
#   and leaves alone a live run's, a recent one from another machine, one without a record, one
#   with another name and one that is not ours to drop.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
check_pg_start
set -m
pw='Wd0g-S3cret@pw' # '@' is %40 in a URL: neither spelling may show
pw_url='Wd0g-S3cret%40pw'
pg_psql -c "CREATE ROLE gate LOGIN CREATEDB PASSWORD '$pw'" >/dev/null
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all gate scram-sha-256"; cat "$hba"; } >"$hba.new"
cat "$hba.new" >"$hba"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
url="postgresql://gate:$pw_url@/postgres?host=$PG_DIR&port=$PGPORT"
dbs() { pg_psql -At -c "SELECT datname FROM pg_database WHERE datname ~ 'migrate_gate' ORDER BY 1"; }
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
watchdog_of() { pgrep -P "$1" -x mg-watchdog || true; }
no_secret() {
	if grep -lF -e "$pw" -e "$pw_url" -e "Wd0g" "$CHECK_WORK/$1.json" "$CHECK_WORK/$1.err"; then
		fail "$1: the password shows"
	fi
}

# hang NAME: a check of a private copy of hangs on the server, the URL in MIGRATE_GATE_SCRATCH_URL.
# Sets HANG_PID and, once its pg_sleep runs, HANG_DB (migrate_gate_<pid>_<random>).
hang() {
	local name=$1 proj i
	proj=$(private_copy hangs)
	HANG_DB=
	env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE TMPDIR="$CHECK_TMP" MIGRATE_GATE_SCRATCH_URL="$url" \
		"$MIGRATE_GATE_BIN" check -C "$proj" --format json >"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	HANG_PID=$!
	for i in $(seq 300); do
		HANG_DB=$(pg_psql -At -c "SELECT datname FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%'
			AND datname LIKE 'migrate\_gate\_${HANG_PID}\_%'")
		[ -z "$HANG_DB" ] || break
		sleep 0.2
	done
	[ -n "$HANG_DB" ] || {
		fail "$name: the revision never started running"
		sed 's/^/  stderr: /' "$CHECK_WORK/$name.err" >&2
		return 1
	}
}

# dropped_within NAME SECONDS DB
dropped_within() {
	local i
	for i in $(seq $(($2 * 5))); do
		dbs | grep -qx "$3" || return 0
		sleep 0.2
	done
	fail "$1: \"$3\" still exists $2 s later"
}

# kill -9 mid-replay: the watchdog drops the database.
hang kill9
wd=$(watchdog_of "$HANG_PID")
if [ -z "$wd" ]; then
	fail "kill9: no watchdog process"
else
	# The gate took the URL out of its environment block at startup (util/secret.h).
	grep -qaF -e "$pw" "/proc/$HANG_PID/environ" 2>/dev/null && fail "kill9: the gate's environment shows the password"
	grep -qaF -e "$pw" -e "$pw_url" "/proc/$wd/cmdline" "/proc/$wd/environ" && fail "kill9: the watchdog shows the password"
fi
kill -KILL "$HANG_PID"
rc=0
wait "$HANG_PID" || rc=$?
[ "$rc" = 137 ] || fail "kill9: exit status $rc, expected 137 (SIGKILL)"
dropped_within kill9 30 "$HANG_DB"
[ -z "$wd" ] || ! alive "$wd" || fail "kill9: the watchdog still runs"
expect_err kill9 "its watchdog dropped the scratch database \"$HANG_DB\""
no_secret kill9
echo "kill9: $HANG_DB dropped after kill -9"

# A live run, and one that died with its watchdog: its database stays until the next run.
hang live
live_pid=$HANG_PID live_db=$HANG_DB
hang stale
stale_pid=$HANG_PID stale_db=$HANG_DB
kill -KILL "$(watchdog_of "$stale_pid")" "$stale_pid"
wait "$stale_pid" || true
sleep 2
dbs | grep -qx "$stale_db" || fail "stale: \"$stale_db\" did not stay"

# Made-up leftovers, with COMMENTs as leftovers.h describes them.
boot=$(cat /proc/sys/kernel/random/boot_id)
pidns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
sleep 300 &
sleeper=$!
sleeper_start=$(sed 's/.*) //' "/proc/$sleeper/stat" | cut -d' ' -f20)
sh -c 'exit 0' &
dead=$!
wait "$dead"
now=$(date +%s)
made_up() { # NAME OWNER_ROLE [PID START BOOT CREATED]
	pg_psql -c "CREATE DATABASE $1 OWNER $2" >/dev/null
	[ $# -lt 3 ] || pg_psql -c "COMMENT ON DATABASE $1 IS
		'migrate-gate owner pid=$3 start=$4 boot=$5 pidns=$pidns host=elsewhere created=$6'" >/dev/null
}
made_up migrate_gate_1_dead gate "$dead" 1 "$boot" "$now"
made_up migrate_gate_2_old gate "$sleeper" "$sleeper_start" other-boot $((now - 2 * 86400))
made_up migrate_gate_3_new gate 1 1 other-boot "$now"
made_up migrate_gate_4_alive gate "$sleeper" "$sleeper_start" "$boot" $((now - 3 * 86400))
made_up migrate_gate_5_norecord gate
made_up not_migrate_gate_6 gate "$dead" 1 "$boot" "$now"
made_up migrate_gate_7_notours postgres "$dead" 1 "$boot" "$now"

mg_check sweep -C "$FIXTURES/clean_pass" --scratch-url "$url"
expect_rc sweep 0
expect_err sweep "dropped \"$stale_db\", the scratch database of an earlier run: its run (pid $stale_pid) has ended"
expect_err sweep "dropped \"migrate_gate_2_old\", the scratch database of an earlier run: it is 48 hours old"
# The live run keeps its scratch database and the checkpoint copy of it (NAME_ck).
want=$(printf '%s\n' "$live_db" "${live_db}_ck" migrate_gate_3_new migrate_gate_4_alive migrate_gate_5_norecord \
	migrate_gate_7_notours not_migrate_gate_6 | sort)
[ "$(dbs | sort)" = "$want" ] || fail "sweep: databases left differ: $(diff <(echo "$want") <(dbs | sort) | tr '\n' ' ')"
[ "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$live_db' AND query LIKE 'SELECT pg_sleep%'")" = 1 ] ||
	fail "sweep: the live run's revision no longer runs"
no_secret sweep
kill "$sleeper"

# The live run still drops its own database.
kill -TERM "$live_pid"
wait "$live_pid" || true
dropped_within live 30 "$live_db"
no_secret live
for db in migrate_gate_3_new migrate_gate_4_alive migrate_gate_5_norecord migrate_gate_7_notours not_migrate_gate_6; do
	pg_psql -c "DROP DATABASE $db" >/dev/null
done
expect_clean leftovers_url

check_done "--scratch-url: nothing left after SIGKILL; stale databases swept"
