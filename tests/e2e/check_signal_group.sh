#!/usr/bin/env bash
# SIGTERM and SIGINT to migrate-gate check while a revision runs (issue 6, item 15): a child the
# revision started in the driver's process group (`sleep 1000` in the background) ends too, as
# it does on the step timeout.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache
set -m # the gate runs in a job of its own, as from a terminal

# interrupt NAME SIGNAL
interrupt() {
	local name=$1 sig=$2 proj pid i rc=0 child= pidfile=$CHECK_WORK/$1.sleep-pid
	proj=$(private_copy spawns_child)
	env -u PGHOST -u PGPORT -u DATABASE_URI MG_SLEEP_PID="$pidfile" TMPDIR="$CHECK_TMP" \
		"$MIGRATE_GATE_BIN" check -C "$proj" --format json ${CHECK_ARGS[@]+"${CHECK_ARGS[@]}"} \
		>"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	pid=$!
	for i in $(seq 300); do
		[ -s "$pidfile" ] && break
		sleep 0.2
	done
	[ -s "$pidfile" ] || { fail "$name: the revision never started its child"; kill -KILL "$pid"; return; }
	child=$(cat "$pidfile")
	kill -0 "$child" 2>/dev/null || fail "$name: the child is not running before the signal"
	kill -s "$sig" "$pid"
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "$name: still running 10 s after SIG$sig"
		kill -KILL "$pid"
	fi
	wait "$pid" || rc=$?
	[ "$rc" != 0 ] || fail "$name: exit status 0 after SIG$sig"
	for i in $(seq 50); do
		kill -0 "$child" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$child" 2>/dev/null; then
		fail "$name: the revision's child $child ($(ps -o args= -p "$child")) outlived SIG$sig"
		kill -KILL "$child"
	fi
	expect_clean "$name" "$proj"
	echo "$name: exit $rc after SIG$sig, child $child gone"
}

interrupt term TERM
interrupt int INT
check_done "signals reach the revision's children"
