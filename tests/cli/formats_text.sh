# Where and how reports are written: colours (NO_COLOR, --color), GitHub
# annotations added under GITHUB_ACTIONS=true, --output FILE, and a full disk.
set -euo pipefail

BIN=${MIGRATE_GATE_BIN:?set MIGRATE_GATE_BIN to the migrate-gate binary}
unset GITHUB_ACTIONS NO_COLOR

tmp=$(mktemp -d)
. "$(dirname "$0")/../lib/outputs.sh"
trap 'keep_outputs "$tmp"; rm -rf "$tmp"' EXIT
cd "$tmp"
passed=0
failed=0
check() { # label, then a command that must succeed
	local label=$1; shift
	if "$@"; then passed=$((passed + 1)); echo "ok: $label"; else failed=$((failed + 1)); echo "FAIL: $label"; fi
}
ESC=$'\033'
has_esc() { grep -q "$ESC\[" "$1"; }
no_esc() { ! grep -q "$ESC\[" "$1"; }

printf 'SELECT 1;\nCREATE TABLE t (a int,);\n' > bad.sql
printf -- '-- migrate-gate: ignore-file\nSELEC 1;\n' > ignored.sql

# Exit status of one lint run, with stdout and stderr kept.
lint() {
	local rc=0
	"$BIN" lint "$@" > out 2> err || rc=$?
	echo "$rc" > rc
}
rc_is() { [ "$(cat rc)" = "$1" ]; }

# A pseudo-terminal, so that --color=auto has something to detect.
on_tty() { script -qec "$*" /dev/null > out < /dev/null || true; }

# Colours.
lint bad.sql
check "pipe: no colour by default" no_esc out
check "pipe: exit 1 on an error" rc_is 1
lint --color=always bad.sql
check "--color=always colours a pipe" has_esc out
check "--color=always: error in red" grep -q "${ESC}\[1;31merror${ESC}\[0m" out
lint --color=never bad.sql
check "--color=never" no_esc out
on_tty "$BIN lint bad.sql"
check "tty: colour by default" has_esc out
on_tty "NO_COLOR=1 $BIN lint bad.sql"
check "tty: NO_COLOR turns colour off" no_esc out
on_tty "$BIN lint --color=never bad.sql"
check "tty: --color=never" no_esc out
on_tty "$BIN lint --format json bad.sql"
check "tty: no colour in JSON" no_esc out
lint --color=always --format json bad.sql
check "--color=always leaves JSON alone" no_esc out
check "--color=always: JSON still parses" python3 -c 'import json,sys; json.load(open("out"))'

# GitHub annotations next to the text report.
GITHUB_ACTIONS=true lint bad.sql ignored.sql
check "GITHUB_ACTIONS: text report kept" grep -q '^bad.sql:2:23: error \[syntax-error\]' out
check "GITHUB_ACTIONS: ::error added" grep -q '^::error file=bad.sql,line=2,col=23,.*title=syntax-error::' out
check "GITHUB_ACTIONS: ::notice for info" grep -q '^::notice file=ignored.sql,line=1,' out
# (a bare ignore-file never hides a syntax error: ignored.sql's is annotated too)
check "GITHUB_ACTIONS: ::error for the syntax error a bare ignore-file does not hide" grep -q '^::error file=ignored.sql,line=2,' out
check "GITHUB_ACTIONS: one annotation per finding" [ "$(grep -c '^::' out)" = 3 ]
check "GITHUB_ACTIONS: exit 1" rc_is 1
lint bad.sql
check "no GITHUB_ACTIONS: no annotations" [ "$(grep -c '^::' out || true)" = 0 ]
GITHUB_ACTIONS=false lint bad.sql
check "GITHUB_ACTIONS=false: no annotations" [ "$(grep -c '^::' out || true)" = 0 ]
GITHUB_ACTIONS=true lint --format sarif bad.sql
check "GITHUB_ACTIONS: SARIF on stdout stays valid JSON" python3 -c 'import json; json.load(open("out"))'
GITHUB_ACTIONS=true lint --format github bad.sql
check "GITHUB_ACTIONS + github format: annotations once" [ "$(grep -c '^::error' out)" = 1 ]
GITHUB_ACTIONS=true lint --format sarif --output r.sarif bad.sql
check "GITHUB_ACTIONS + --output: annotations on stdout" grep -q '^::error file=bad.sql,' out
check "GITHUB_ACTIONS + --output: file is pure SARIF" python3 -c 'import json; json.load(open("r.sarif"))'

# --output writes the file, and only the file.
lint --format json bad.sql
cp out stdout.json
lint --format json --output report.json bad.sql
check "--output: exit status kept" rc_is 1
check "--output: nothing on stdout" [ ! -s out ]
check "--output: same report as stdout" cmp -s report.json stdout.json
lint -o report.txt --color=never bad.sql
check "-o: text report written" grep -q 'FAILED: 1 error' report.txt
lint --output missing/dir/report.json bad.sql
check "--output into a missing folder: exit 2" rc_is 2
check "--output into a missing folder: names it" grep -q "missing/dir/report.json" err

# A full disk is an error with a hint, not a truncated report and a pass.
for fmt in text json sarif gitlab junit github; do
	lint --format "$fmt" --output /dev/full bad.sql
	check "/dev/full ($fmt): exit 2" rc_is 2
	check "/dev/full ($fmt): one error line" [ "$(grep -c '^error: ' err)" = 1 ]
	check "/dev/full ($fmt): names the cause" grep -q "^error: .*$fmt.*No space left on device" err
	check "/dev/full ($fmt): hint" grep -q '^hint: .*disk' err
done
rc=0
"$BIN" lint bad.sql > /dev/full 2> err || rc=$?
check "stdout on /dev/full: exit 2" [ "$rc" = 2 ]
check "stdout on /dev/full: one error line" [ "$(grep -c '^error: ' err)" = 1 ]

echo "formats_text: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
