# Issue 6, item 16: out of memory is an `error:` line with a `hint:` and exit 3 (an environment
# error, as the README's table says), not "fatal: out of memory" and SIGABRT (134). A 40 MB
# input under an address-space limit of what the started binary maps (its shared libraries: ICU
# alone, through libarchive and libxml2, is 30 MB) plus 40 MB runs out while it is read.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() { sed 's/^/    stderr: /' err | head -5; }
# ASan reserves terabytes of address space: a ulimit -v build cannot even start.
# Not ldd | grep -q: under pipefail, grep quitting early can fail the pipeline (SIGPIPE to ldd).
libs=$(ldd "$BIN" 2>/dev/null || true)
if [[ "$libs" == *libasan* || "$libs" == *libclang_rt.asan* ]]; then
	echo "skipped: sanitizer build"
	exit 0
fi

head -c 40M < <(yes 'SELECT 1;') >big.sql
# The address space of a started gate, waiting on stdin: what the limit must leave room for.
mkfifo idle
"$BIN" lint - <idle >/dev/null 2>&1 &
idle_pid=$!
exec 3>idle
base_kb=0
for _ in $(seq 50); do
	# Only once the gate itself runs (a forked shell before exec maps less).
	if [ "$(readlink "/proc/$idle_pid/exe" 2>/dev/null)" = "$(readlink -f "$BIN")" ]; then
		sleep 0.2
		base_kb=$(awk '/^VmSize:/ { print $2 }' "/proc/$idle_pid/status" 2>/dev/null || echo 0)
		break
	fi
	sleep 0.1
done
exec 3>&-
wait "$idle_pid" || true
echo "a started gate maps ${base_kb} kB"
rc=0
(ulimit -v $((base_kb + 40000)) && exec "$BIN" lint big.sql) >out 2>err || rc=$?
check "out of memory: exit 3 (got $rc)" [ "$rc" = 3 ]
check "one error: line saying so" [ "$(grep -c '^error: out of memory$' err)" = 1 ]
check "a hint: line right after it" sh -c 'grep -A1 "^error: " err | tail -n 1 | grep -q "^hint: "'
check "no report on stdout" [ ! -s out ]
check "nothing else on stderr" [ "$(grep -vc '^\(error\|hint\): ' err)" = 0 ]
finish
