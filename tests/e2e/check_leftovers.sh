#!/usr/bin/env bash
# Nothing left behind after a SIGKILL, with the local scratch cluster (issue 6, item 14):
# - kill -9 of `check` while a revision runs (pg_sleep in the hangs fixture): its watchdog stops
#   the postmaster and removes the scratch dir, under TMPDIR and without TMPDIR (/dev/shm or /tmp),
#   within a bounded wait, and nothing of the run stays (driver, server, watchdog);
# - the watchdog shows none of the gate's argv or environment in /proc;
# - when the watchdog is killed too, the next run sweeps the leftover (server stopped, dir removed)
#   and leaves alone the dir of a live run, a kept dir, and a recent one of another machine.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
set -m # background jobs in groups of their own, as from a terminal
use_scratch_cache

# A normal run (it fills the cache the hanging runs below start from). A CI job waits until every
# holder of the job's output pipe has closed it: the watchdog must be gone when the gate is (its
# stderr reaches EOF at most 2 s after the gate's exit), and nothing of the run may run on (checked
# under a subreaper, which inherits every orphan; a postgres logger may take a moment to exit).
left=$(cd "$FIXTURES/clean_pass" && env -u PGHOST -u PGPORT -u DATABASE_URI TMPDIR="$CHECK_TMP" python3 - \
	"$MIGRATE_GATE_BIN" check --format json --scratch-cache "$SCRATCH_CACHE" 2>"$CHECK_WORK/warm.err" <<'PY'
import ctypes, os, subprocess, sys, threading, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
gate = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
ended = {}
waiter = threading.Thread(target=lambda: ended.update(rc=gate.wait(), at=time.monotonic()))
waiter.start()
sys.stderr.buffer.write(gate.stderr.read())
eof = time.monotonic()
waiter.join()

def running():
    kids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open("/proc/%s/stat" % pid).read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[1] == str(os.getpid()) and fields[0] != "Z":
            kids.append("%s %s" % (pid, stat.split("(", 1)[1].rsplit(")", 1)[0]))
    return kids

for _ in range(50):
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    if not running():
        break
    time.sleep(0.1)
late = eof - ended["at"]
print("exit %d; stderr open %s after exit; still running: %s"
      % (ended["rc"], "over 2 s" if late > 2 else "not", "; ".join(running()) or "none"))
PY
)
[ "$left" = "exit 0; stderr open not after exit; still running: none" ] || fail "warm: $left"

# hang NAME [TMPDIR]: a check of a private copy of hangs in the background ("" for no TMPDIR).
# Sets HANG_PID, HANG_PROJ, HANG_MARK and, once its pg_sleep runs, HANG_DIR and HANG_PM.
hang() {
	local name=$1 tmp=${2-$CHECK_TMP} i
	HANG_PROJ=$(private_copy hangs)
	HANG_MARK=mg-left-$RANDOM$RANDOM
	HANG_DIR=
	sed -i "s|pg_sleep(600)|pg_sleep(600) /* $HANG_MARK */|" "$HANG_PROJ/versions/r0001.py"
	if [ -n "$tmp" ]; then
		env -u PGHOST -u PGPORT TMPDIR="$tmp" "$MIGRATE_GATE_BIN" check -C "$HANG_PROJ" --format json \
			--scratch-cache "$SCRATCH_CACHE" >"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	else
		env -u PGHOST -u PGPORT -u TMPDIR "$MIGRATE_GATE_BIN" check -C "$HANG_PROJ" --format json \
			--scratch-cache "$SCRATCH_CACHE" >"$CHECK_WORK/$name.json" 2>"$CHECK_WORK/$name.err" &
	fi
	HANG_PID=$!
	for i in $(seq 300); do
		HANG_DIR=$(server_running "$HANG_MARK")
		[ -z "$HANG_DIR" ] || break
		sleep 0.2
	done
	[ -n "$HANG_DIR" ] || {
		fail "$name: the revision never started running"
		sed 's/^/  stderr: /' "$CHECK_WORK/$name.err" >&2
		return 1
	}
	HANG_PM=$(head -n 1 "$HANG_DIR/data/postmaster.pid")
}

watchdog_of() { pgrep -P "$1" -x mg-watchdog || true; }

# alive PID: the process exists and is not a zombie.
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

# gone_within NAME SECONDS DIR PID...: the dir, the processes and everything under the dir go within SECONDS.
gone_within() {
	local name=$1 secs=$2 dir=$3 i p left
	shift 3
	for i in $(seq $((secs * 5))); do
		left=
		[ ! -e "$dir" ] || left="dir"
		for p in "$@"; do alive "$p" && left="$left pid $p"; done
		[ -n "$left" ] || [ -n "$(procs_under "$dir")" ] || break
		sleep 0.2
	done
	left="$left $(procs_under "$dir")"
	if [ -n "${left// /}" ]; then
		fail "$name: still there after $secs s: $left"
		ps -o pid=,stat=,args= -p "$(echo $(procs_under "$dir") "$@" | tr ' ' ',')" >&2 || true
	fi
}

# kill9 NAME [TMPDIR]: SIGKILL of the gate mid-replay; the watchdog undoes everything.
kill9() {
	local name=$1 wd rc=0
	hang "$@" || return 0
	wd=$(watchdog_of "$HANG_PID")
	[ -n "$wd" ] || fail "$name: no watchdog process"
	kill -KILL "$HANG_PID"
	wait "$HANG_PID" || rc=$?
	[ "$rc" = 137 ] || fail "$name: exit status $rc, expected 137 (SIGKILL)"
	gone_within "$name" 30 "$HANG_DIR" "$HANG_PM" $wd
	[ -z "$(procs_under "$HANG_PROJ")" ] || fail "$name: the driver is still running: $(procs_under "$HANG_PROJ")"
	expect_err "$name" "its watchdog stopped the scratch cluster and removed '$HANG_DIR'"
	echo "$name: $HANG_DIR and its server (pid $HANG_PM) gone after kill -9"
}

kill9 kill9
kill9 kill9_default ""

# The watchdog keeps nothing of the gate's argv (the project path) or environment (TMPDIR).
hang live
live_pid=$HANG_PID live_dir=$HANG_DIR live_mark=$HANG_MARK live_proj=$HANG_PROJ
wd=$(watchdog_of "$live_pid")
if [ -z "$wd" ]; then
	fail "live: no watchdog process"
else
	args=$(tr '\0' ' ' <"/proc/$wd/cmdline")
	[[ "$args" == "migrate-gate watchdog"* ]] || fail "watchdog: cmdline is '$args'"
	tr '\0' '\n' <"/proc/$live_pid/cmdline" | grep -qF -- "$live_proj" || fail "the gate's own argv lacks the project"
	tr '\0' '\n' <"/proc/$wd/cmdline" | grep -qF -- "$live_proj" && fail "watchdog: the gate's argv shows"
	tr '\0' '\n' <"/proc/$live_pid/environ" | grep -q '^TMPDIR=' || fail "the gate's own environment lacks TMPDIR"
	[ -z "$(tr -d '\0' <"/proc/$wd/environ")" ] || fail "watchdog: the gate's environment shows"
	[ "$(readlink "/proc/$wd/cwd")" = / ] || fail "watchdog: its cwd is $(readlink "/proc/$wd/cwd")"
	[ "$(ls "/proc/$wd/fd" | wc -l)" = 4 ] || fail "watchdog: open fds: $(ls -l "/proc/$wd/fd")"
fi

# A run whose watchdog died with it: the server and the dir stay (nothing else removes them)...
hang stale
stale_dir=$HANG_DIR stale_pm=$HANG_PM stale_pid=$HANG_PID
kill -KILL "$(watchdog_of "$stale_pid")" "$stale_pid"
wait "$stale_pid" || true
sleep 2
[ -d "$stale_dir" ] && alive "$stale_pm" || fail "stale: the leftover did not stay (dir or server gone)"

# ...and made-up ones: "owner" records as leftovers.h describes them.
boot=$(cat /proc/sys/kernel/random/boot_id)
pidns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
start_of() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
sleep 300 &
sleeper=$!
sh -c 'exit 0' &
dead=$!
wait "$dead"
now=$(date +%s)
made_up() {
	mkdir -m 700 "$CHECK_TMP/migrate-gate-$1"
	echo "migrate-gate owner pid=$2 start=$3 boot=$4 pidns=$pidns host=elsewhere created=$5" >"$CHECK_TMP/migrate-gate-$1/owner"
}
made_up dead01 "$dead" 1 "$boot" "$now"                         # its run ended
made_up reus01 "$sleeper" 1 "$boot" "$now"                      # the pid lives, but is another process
made_up old001 "$sleeper" "$(start_of "$sleeper")" other-boot $((now - 2 * 86400)) # another machine, 2 days old
made_up new001 1 1 other-boot "$now"                            # another machine, recent
made_up alive1 "$sleeper" "$(start_of "$sleeper")" "$boot" $((now - 3 * 86400)) # a live run (3 days is fine)
made_up kept01 "$dead" 1 "$boot" "$now"
touch "$CHECK_TMP/migrate-gate-kept01/kept"
mkdir -m 700 "$CHECK_TMP/migrate-gate-norec1"                   # no record: not ours to judge

mg_check sweep -C "$FIXTURES/clean_pass"
expect_rc sweep 0
expect_err sweep "removed '$stale_dir', the scratch dir of an earlier run: its run (pid $stale_pid) has ended"
alive "$stale_pm" && fail "sweep: the leftover server (pid $stale_pm) still runs"
for d in "$stale_dir" "$CHECK_TMP"/migrate-gate-{dead01,reus01,old001}; do
	[ ! -e "$d" ] || fail "sweep: $d is still there"
done
for d in "$CHECK_TMP"/migrate-gate-{new001,alive1,kept01,norec1} "$live_dir"; do
	[ -e "$d" ] || fail "sweep: $d was removed"
done
[ "$(server_running "$live_mark")" = "$live_dir" ] || fail "sweep: the live run's server no longer runs its revision"
kill "$sleeper"

# The live run still cleans up after itself.
kill -TERM "$live_pid"
wait "$live_pid" || true
gone_within live 30 "$live_dir"
rm -rf "$CHECK_TMP"/migrate-gate-{new001,alive1,kept01,norec1}
expect_clean leftovers

check_done "nothing left after SIGKILL; stale leftovers swept"
