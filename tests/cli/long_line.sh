# 200,000 statements on one 6.6 MB line must cost about what they cost one per
# line: a finding keeps a window of its line, not a copy of it (a copy each made
# 16,000 statements need more than 4 GB), and the text report shows that window
# around the column. Under ASan (slow, and no ulimit -v) it runs on 20,000
# statements, without the time and memory bounds.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
keep=${MIGRATE_GATE_BUILD:-$tmp}/test-outputs/cli/long_line
rm -rf "$keep"
mkdir -p "$keep"
show_failure() { sed 's/^/    stderr: /' err | head -5; }

N=200000
MAX_CPU_SECONDS=30 # measured 2.5 s of CPU; the machine is shared, so wall time says little
MAX_RSS_MB=200     # measured 112 MB on one line, 95 MB one statement per line
asan=false
# Not ldd | grep -q: under pipefail, grep quitting early can fail the pipeline (SIGPIPE to ldd).
if [[ "$(ldd "$BIN" 2>/dev/null)" == *libasan* ]]; then
	asan=true
	N=20000
fi

# The same statements on one line and one per line; SET first so that each
# CREATE INDEX gives exactly one finding.
python3 - "$N" << 'EOF'
import sys
n = int(sys.argv[1])
head = "SET lock_timeout = '2s'; SET statement_timeout = '60s';"
stmts = [f"CREATE INDEX ix_{i:06d} ON t (a);" for i in range(n)]
open("one.sql", "w").write(head + " " + " ".join(stmts) + "\n")
open("many.sql", "w").write(head + "\n" + "\n".join(stmts) + "\n")
EOF

# Lints $1 into $1.txt; rc, CPU seconds and peak RSS (MB) into $1.rc, $1.cpu, $1.rss.
run() {
	local rc=0
	if $asan; then
		"$BIN" lint --fail-on never "$1.sql" > "$1.txt" 2> err || rc=$?
		echo 0 0 > "$1.time"
	else
		# ulimit -v is the hard bound: the copy-per-finding code hits it in a second
		# instead of taking the machine's memory.
		(
			ulimit -v $((2 * 1024 * 1024))
			/usr/bin/time -f '%U %S %M' -o "$1.time" "$BIN" lint --fail-on never "$1.sql" > "$1.txt" 2> err
		) || rc=$?
	fi
	echo "$rc" > "$1.rc"
	read -r user sys kb < <(tail -1 "$1.time")
	awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d\n", u + s + 0.999 }' > "$1.cpu"
	echo $((kb / 1024)) > "$1.rss"
	echo "$1.sql: exit $rc, $user s user, $sys s sys, peak RSS $((kb / 1024)) MB"
	cp err "$keep/$1.stderr"
	head -c 4000 "$1.txt" > "$keep/$1.report.head"
	tail -c 2000 "$1.txt" > "$keep/$1.report.tail"
}
run one
run many

check "one line: exit 0" [ "$(cat one.rc)" = 0 ]
check "one line: every statement counted" grep -q "^passed: $N error(s), .*, $((N + 2)) statement(s)" one.txt
check "one line: one finding per CREATE INDEX" [ "$(grep -c '^one.sql:1:[0-9]*: error \[create-index' one.txt)" = "$N" ]
last_col=$((57 + 33 * (N - 1)))
check "one line: the last finding at its column ($last_col)" \
	grep -q "^one.sql:1:$last_col: error \[create-index-non-concurrent\] index \"ix_$(printf %06d $((N - 1)))\"" one.txt
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' one.txt)
check "one line: the caret lines show a window (longest report line $longest chars)" [ "$longest" -le 300 ]
check "one line: the window is centred on the column, with its caret under it" python3 - << 'EOF'
lines = open("one.txt").read().split("\n")
i = next(k for k, l in enumerate(lines) if '"ix_002727"' in l)
src, caret = lines[i + 1], lines[i + 2]
assert lines[i].startswith("one.sql:1:90048:"), lines[i]
assert src.startswith("   | ...") and src.endswith("..."), src
assert src[caret.index("^"):].startswith("CREATE INDEX ix_002727 ON t (a); CREATE"), (src, caret)
assert src[8:caret.index("^")].endswith("CREATE INDEX ix_002726 ON t (a); "), src
EOF
check "one statement per line: exit 0" [ "$(cat many.rc)" = 0 ]
if ! $asan; then
	check "one line: within $MAX_CPU_SECONDS s of CPU (took $(cat one.cpu) s)" [ "$(cat one.cpu)" -le "$MAX_CPU_SECONDS" ]
	check "one line: peak RSS within $MAX_RSS_MB MB ($(cat one.rss) MB)" [ "$(cat one.rss)" -le "$MAX_RSS_MB" ]
	check "one line: memory of the same order as one per line ($(cat one.rss) MB vs $(cat many.rss) MB)" \
		[ "$(cat one.rss)" -le $(($(cat many.rss) * 3 / 2 + 20)) ]
fi

finish
