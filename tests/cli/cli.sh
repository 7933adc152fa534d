# The command line itself: --help and `help CMD` for every command, --version,
# unknown commands and options (exit 2 with a hint), -q and -v, NO_COLOR.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() {
	sed 's/^/    stdout: /' out
	sed 's/^/    stderr: /' err
}

# Runs the binary, keeping stdout, stderr and the exit status.
run() {
	local rc=0
	"$BIN" "$@" > out 2> err || rc=$?
	echo "$rc" > rc
}
rc_is() { [ "$(cat rc)" = "$1" ]; }
has() { grep -q -- "$2" "$1"; }
lacks() { ! grep -q -- "$2" "$1"; }
empty() { [ ! -s "$1" ]; }
# Usage errors: exactly one "error:" line naming the culprit and a "hint:" line, nothing on stdout.
usage_error() { # culprit
	rc_is 2 && empty out && [ "$(grep -c '^error: ' err)" = 1 ] && grep -q "^error: .*$1" err && grep -q '^hint: ' err
}

# Top level.
run --help
check "--help exits 0" rc_is 0
check "--help prints the usage on stdout" has out '^usage: migrate-gate'
check "--help lists the commands" has out '^Commands:'
check "--help documents the exit codes" has out 'Exit status: 0 passed'
cp out main_help
run -h
check "-h is --help" cmp -s out main_help
run
check "no arguments: exit 2" rc_is 2
check "no arguments: usage on stderr, not stdout" sh -c '[ ! -s out ] && grep -q "^usage: migrate-gate" err'
run --version
check "--version exits 0" rc_is 0
check "--version prints name and version" grep -Eq '^migrate-gate [0-9]+\.[0-9]+\.[0-9]+' out
run help
check "help alone is --help" cmp -s out main_help

# Every command listed in --help, except help itself.
commands=$(sed -n '/^Commands:/,/^$/p' main_help | awk 'NF >= 2 && $1 != "Commands:" {print $1}' | grep -vx help)
check "--help lists lint" grep -qx lint <<< "$commands"
for cmd in $commands; do
	run help "$cmd"
	check "help $cmd: exit 0" rc_is 0
	check "help $cmd: its usage" has out "^usage: migrate-gate $cmd"
	check "help $cmd: lists options" has out '--help'
	cp out "help_$cmd"
	run "$cmd" --help
	check "$cmd --help: same text as help $cmd" cmp -s out "help_$cmd"
	check "$cmd --help: exit 0, nothing on stderr" sh -c '[ "$(cat rc)" = 0 ] && [ ! -s err ]'
	run "$cmd" -h
	check "$cmd -h: same text" cmp -s out "help_$cmd"
	run "$cmd" --no-such-option
	check "$cmd --no-such-option: exit 2, error + hint" usage_error "'--no-such-option'"
	check "$cmd --no-such-option: hint names help $cmd" has err "migrate-gate help $cmd"
	run "$cmd" -Z
	check "$cmd -Z: exit 2, error + hint" usage_error "'-Z'"
	dups=$(grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' "help_$cmd" | sed 's/^ *//' | sort | uniq -d)
	check "help $cmd: every option listed once${dups:+ (twice: $dups)}" test -z "$dups"
done
# check's replay options are documented (--replay-from-base was missing once).
for opt in --replay-from-base --fail-fast --irreversible-downgrade --downgrade-not-implemented --alembic-cmd; do
	check "help check documents $opt" has help_check "$opt"
done

# Unknown commands and options.
run frobnicate
check "unknown command: exit 2, error + hint" usage_error "unknown command 'frobnicate'"
run help frobnicate
check "help of an unknown command: exit 2, error + hint" usage_error "'frobnicate'"
run -q lint x.sql
check "an option before the command: exit 2, error + hint" usage_error "'-q'"
run lint --format
check "an option without its value: exit 2" usage_error "'--format'"
run lint --format yaml x.sql
check "a bad option value: exit 2, names the value" usage_error "'yaml'"
run lint --quiet=yes x.sql
check "a value for a flag that takes none: exit 2" usage_error "quiet"
run lint
check "lint without paths: exit 2 + hint" usage_error "path"
run lint --enable no-such-rule x.sql
check "an unknown rule id: exit 2 + hint" usage_error "'no-such-rule'"
run lint --list-rules
check "--list-rules: exit 0" rc_is 0
check "--list-rules: lists syntax-error" has out '^syntax-error '

# -q and -v.
: > empty.sql
printf 'CREATE TABLE (;\n' > bad.sql
run lint empty.sql
check "an empty file warns by default" has err '^warning: .*empty.sql'
run lint -q empty.sql
check "-q: exit 0" rc_is 0
check "-q: no warning" empty err
run lint --quiet bad.sql
check "-q: findings are still reported" has out 'syntax-error'
check "-q: exit 1 still" rc_is 1
cp out quiet_out
run lint bad.sql
check "-q changes stderr only, never the report" cmp -s out quiet_out
run lint -v empty.sql
check "-v: exit 0" rc_is 0
check "-v: the warning is kept" has err '^warning: .*empty.sql'
run lint -q -v empty.sql
check "the last of -q/-v wins" has err '^warning: '

# Colour: NO_COLOR and --color, on a terminal (script gives one) and on a pipe.
ESC=$'\033'
on_tty() { script -qec "$*" /dev/null < /dev/null > tty_out 2>&1 || true; }
if command -v script > /dev/null; then
	on_tty "'$BIN' lint bad.sql"
	check "terminal: colour by default" grep -q "$ESC\[" tty_out
	on_tty "NO_COLOR=1 '$BIN' lint bad.sql"
	check "terminal: NO_COLOR=1 turns colour off" sh -c "! grep -q '$ESC\[' tty_out"
	on_tty "NO_COLOR=1 '$BIN' lint --color=always bad.sql"
	check "terminal: --color=always beats NO_COLOR" grep -q "$ESC\[" tty_out
	on_tty "'$BIN' frobnicate"
	check "terminal: errors are coloured" grep -q "$ESC\[" tty_out
	on_tty "NO_COLOR=1 '$BIN' frobnicate"
	check "terminal: NO_COLOR=1 leaves errors plain" sh -c "! grep -q '$ESC\[' tty_out"
else
	echo "skip: no 'script' for a pseudo-terminal"
fi
run lint bad.sql
check "pipe: no colour" sh -c "! grep -q '$ESC\[' out err"
run lint --color=never bad.sql
check "--color=never: no colour" sh -c "! grep -q '$ESC\[' out err"

finish
