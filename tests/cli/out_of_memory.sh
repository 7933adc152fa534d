# Issue 6, item 16: out of memory is an `error:` line with a `hint:` and exit 3 (an environment
# error, as the README's table says), not "fatal: out of memory" and SIGABRT (134). A 40 MB
# input under a 40 MB address-space limit runs out while it is read.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() { sed 's/^/    stderr: /' err | head -5; }
# ASan reserves terabytes of address space: a ulimit -v build cannot even start.
if ldd "$BIN" 2>/dev/null | grep -q 'libasan\|libclang_rt.asan'; then
	echo "skipped: sanitizer build"
	exit 0
fi

head -c 40M < <(yes 'SELECT 1;') >big.sql
rc=0
(ulimit -v 40000 && exec "$BIN" lint big.sql) >out 2>err || rc=$?
check "out of memory: exit 3 (got $rc)" [ "$rc" = 3 ]
check "one error: line saying so" [ "$(grep -c '^error: out of memory$' err)" = 1 ]
check "a hint: line right after it" sh -c 'grep -A1 "^error: " err | tail -n 1 | grep -q "^hint: "'
check "no report on stdout" [ ! -s out ]
check "nothing else on stderr" [ "$(grep -vc '^\(error\|hint\): ' err)" = 0 ]
finish
