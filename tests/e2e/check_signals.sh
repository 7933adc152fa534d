#!/usr/bin/env bash
# SIGTERM and SIGINT sent to migrate-gate check while a revision runs (pg_sleep in the hangs
# fixture): it dies of the signal (exit 143, 130) with one line saying where it stopped, writes no
# report (so none holds a finding the interruption caused), and leaves no scratch server, no temp
# dir and no driver. Also once with the default temp dir (no TMPDIR), and once started with SIGINT
# ignored, as `cmd &` in a script without job control does: it must stop all the same, not go on
# against a dead server and report "server closed the connection" as a finding.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
set -m # background jobs get SIGINT delivered, as from a terminal

# interrupt NAME SIGNAL [TMPDIR]: starts a check of a private copy of hangs whose pg_sleep carries
# a marker, waits until the scratch server runs it, sends SIGNAL, and checks what is left.
interrupt() {
	local name=$1 sig=$2 tmp=${3-$CHECK_TMP} proj pid i rc=0 dir= procs marker=mg-signal-$RANDOM$RANDOM
	local -a pre=()
	# IGNORE_INT=1: started with SIGINT ignored (trap '' is inherited across exec)
	[ -z "${IGNORE_INT:-}" ] || pre=(bash -c 'trap "" INT; exec "$0" "$@"')
	proj=$(private_copy hangs)
	sed -i "s|pg_sleep(600)|pg_sleep(600) /* $marker */|" "$proj/versions/r0001.py"
	grep -q "$marker" "$proj/versions/r0001.py" || fail "$name: could not mark the pg_sleep"
	if [ -n "$tmp" ]; then
		env -u PGHOST -u PGPORT TMPDIR="$tmp" ${pre[@]+"${pre[@]}"} "$MIGRATE_GATE_BIN" check -C "$proj" --format json \
			>"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	else
		env -u PGHOST -u PGPORT -u TMPDIR ${pre[@]+"${pre[@]}"} "$MIGRATE_GATE_BIN" check -C "$proj" --format json \
			>"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	fi
	pid=$!
	for i in $(seq 150); do
		dir=$(server_running "$marker")
		[ -z "$dir" ] || break
		sleep 0.2
	done
	[ -n "$dir" ] || fail "$name: the revision never started running"
	[ -z "$tmp" ] || [[ "$dir" == "$tmp"/* ]] || fail "$name: the scratch server is not under $tmp: $dir"
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
	[ "$rc" = $((128 + $(kill -l "$sig"))) ] || fail "$name: exit status $rc after SIG$sig"
	grep -qx "interrupted by SIG$sig during upgrade of r0001 (revision 1 of 1): no report written" \
		"$CHECK_WORK/$name.err" || fail "$name: no line saying where it stopped: $(cat "$CHECK_WORK/$name.err")"
	[ "$(grep -c '^interrupted' "$CHECK_WORK/$name.err")" = 1 ] || fail "$name: not exactly one interrupted line"
	! grep -q "bug in migrate-gate\|server closed the connection" "$CHECK_WORK/$name.err" ||
		fail "$name: a false error after SIG$sig: $(cat "$CHECK_WORK/$name.err")"
	[ ! -s "$CHECK_WORK/$name.json" ] || fail "$name: a report was written after SIG$sig"
	sleep 0.5 # the driver exits after its parent
	procs=$(echo $(procs_under "$proj"))
	[ -z "$procs" ] || fail "$name: processes left in the project dir: $(ps -o pid=,args= -p "${procs// /,}")"
	if [ -n "$dir" ]; then
		[ ! -e "$dir" ] || fail "$name: scratch dir left: $dir"
		procs=$(echo $(procs_under "$dir"))
		[ -z "$procs" ] || fail "$name: scratch server processes left: $(ps -o pid=,args= -p "${procs// /,}")"
	fi
	[ -z "$tmp" ] || expect_clean "$name"
	echo "$name: exit $rc after SIG$sig, ${dir:-?} removed"
}

interrupt term TERM
interrupt int INT
IGNORE_INT=1 interrupt int_ignored INT

# No TMPDIR: the scratch dir goes to /dev/shm or /tmp.
interrupt term_default TERM ""

check_done "signals"
