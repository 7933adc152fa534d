# Bad inputs to `lint`: each gives the documented exit status (docs/lint.md), one
# "error: ..." line naming the file and a "hint: ..." line, and never a crash.
# A syntax error is a finding at file:line:col, and the statements after it are
# still linted. One bad file does not stop the others.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() {
	sed 's/^/    stdout: /' out | head -20
	sed 's/^/    stderr: /' err | head -20
}

# Runs `migrate-gate lint ARGS`, keeping stdout, stderr and the exit status.
lint() {
	local rc=0
	"$BIN" lint --color never "$@" > out 2> err || rc=$?
	echo "$rc" > rc
}
rc_is() { [ "$(cat rc)" = "$1" ]; }
has() { grep -q -- "$2" "$1"; }
lacks() { ! grep -q -- "$2" "$1"; }
# No signal, no sanitizer report, no assertion: whatever the input, the binary stays in control.
no_crash() { [ "$(cat rc)" -lt 128 ] && ! grep -Eq 'Sanitizer|runtime error|Segmentation|Assertion|core dumped' err; }
# The input error shape: exit 2, exactly one error line naming the file, then a hint.
input_error() { # file, what the message must also say
	rc_is 2 && [ "$(grep -c '^error: ' err)" = 1 ] && grep '^error: ' err | grep -qF "'$1'" &&
		grep '^error: ' err | grep -q -- "$2" &&
		grep -A1 '^error: ' err | grep -q '^hint: '
}
json() { python3 -c "import json,sys; r=json.load(open('out')); print($1)"; }

# Syntax error: reported with file:line:col and PostgreSQL's message; the rest is linted.
printf 'SELECT 1;\nCREATE TABLE (;\nSELECT 2;\nCREATE INDEX i ON t (a);\n' > syntax.sql
lint syntax.sql
check "syntax error: exit 1 (an error finding)" rc_is 1
check "syntax error: file:line:col and the parser's message" has out '^syntax.sql:2:14: error \[syntax-error\] syntax error at or near "("'
check "syntax error: a later statement is still linted" has out '^syntax.sql:4:1: .*\[create-index-non-concurrent\]'
check "syntax error: not an input error" lacks err '^error: '
check "syntax error: no crash" no_crash
lint --format json --fail-on never syntax.sql
check "syntax error: JSON counts the 3 good statements" [ "$(json "r['summary']['statements']")" = 3 ]
check "syntax error: JSON has the syntax-error finding" \
	[ "$(json "[(f['rule'], f['line'], f['column']) for f in r['findings'] if f['rule'] == 'syntax-error']")" = "[('syntax-error', 2, 14)]" ]

# What PostgreSQL's split leaves out must still be reported: a statement of identifiers
# only, and an unbalanced parenthesis followed by more statements.
printf 'SELECT 1;\nSELEC 1;\nDROP TABLE (x;\nCREATE INDEX j ON t (b);\n' > dropped.sql
lint dropped.sql
check "identifier-only statement: reported" has out '^dropped.sql:2:1: error \[syntax-error\]'
check "unbalanced '(': reported" has out '^dropped.sql:3:12: error \[syntax-error\]'
check "unbalanced '(': the statement after it is linted" has out '^dropped.sql:4:1: .*\[create-index-non-concurrent\]'

# Unterminated quote and comment.
printf "SELECT 1;\nSELECT 'open;\n" > quote.sql
lint quote.sql
check "unterminated quote: exit 1 with a syntax-error" sh -c 'grep -q "^quote.sql:2:.*\[syntax-error\] unterminated quoted string" out && [ "$(cat rc)" = 1 ]'
printf 'SELECT 1;\n/* open\nDROP TABLE t;\n' > comment.sql
lint comment.sql
check "unterminated comment: exit 1 with a syntax-error" sh -c 'grep -q "^comment.sql:2:1: .*\[syntax-error\] unterminated /\* comment" out && [ "$(cat rc)" = 1 ]'

# Binary files.
printf 'SELECT 1;\n\0\1\2\3binary' > binary.sql
lint binary.sql
check "binary: exit 2, one error naming the file, a hint" input_error binary.sql 'binary'
check "binary: the offset of the NUL byte" has err 'offset 10'
check "binary: no crash" no_crash
printf '\0\0\0\0' > zeros.sql
lint zeros.sql
check "binary starting with NUL: input error" input_error zeros.sql 'binary'
check "binary starting with NUL: not called empty" lacks err 'empty'
head -c 65536 /dev/urandom > random.sql
printf '\0' >> random.sql
lint random.sql
check "random bytes: exit 2" rc_is 2
check "random bytes: no crash" no_crash

# Invalid UTF-8: Latin-1, an overlong form, a surrogate, a truncated sequence.
printf "SELECT 1;\nSELECT 'caf\xe9';\n" > latin1.sql
lint latin1.sql
check "Latin-1: exit 2, names the file, says UTF-8" input_error latin1.sql 'UTF-8'
check "Latin-1: line and column of the bad byte" has err 'line 2, column 12'
printf "SELECT '\xc0\xaf';\n" > overlong.sql
lint overlong.sql
check "overlong UTF-8: input error" input_error overlong.sql 'UTF-8'
printf "SELECT '\xed\xa0\x80';\n" > surrogate.sql
lint surrogate.sql
check "UTF-16 surrogate: input error" input_error surrogate.sql 'UTF-8'
printf "SELECT 1; -- \xe2\x82" > truncated.sql
lint truncated.sql
check "truncated sequence at the end: input error" input_error truncated.sql 'UTF-8'
printf "SELECT 'é日🐘';\n" > fine_utf8.sql
lint fine_utf8.sql
check "valid UTF-8 is fine" rc_is 0

# Empty inputs: exit 0 with a warning.
: > empty.sql
lint empty.sql
check "empty file: exit 0" rc_is 0
check "empty file: a warning naming it" has err "^warning: 'empty.sql' is empty"
printf '  \n\n\t\n' > blank.sql
lint blank.sql
check "blank file: exit 0 with a warning" sh -c '[ "$(cat rc)" = 0 ] && grep -q "^warning: .blank.sql. is empty" err'

# Missing paths.
lint missing.sql
check "missing file: exit 2, one error naming it, a hint" input_error missing.sql 'no such file'
lint missing-dir/
check "missing folder: input error" input_error missing-dir/ 'no such file'

# An unreadable file (root reads anything: run as nobody then, or skip).
printf 'SELECT 1;\n' > unreadable.sql
chmod 000 unreadable.sql
if [ "$(id -u)" != 0 ]; then
	lint unreadable.sql
	check "unreadable file: exit 2, one error naming it, a hint" input_error unreadable.sql 'ermission denied'
elif command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BIN"; then
	chmod 755 "$tmp"
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" lint --color never unreadable.sql > out 2> err || rc=$?
	echo "$rc" > rc
	check "unreadable file (as nobody): exit 2, one error naming it, a hint" input_error unreadable.sql 'ermission denied'
else
	echo "skip: unreadable file (running as root, cannot drop privileges)"
fi
chmod 644 unreadable.sql

# A folder given as a file argument is expanded; a non-.sql file given by name is linted.
mkdir -p folder/sub
printf 'CREATE INDEX k ON t (c);\n' > folder/sub/a.sql
printf 'not sql at all\n' > folder/readme.txt
lint folder
check "folder: only its .sql files" sh -c 'grep -q "^folder/sub/a.sql:1:1" out && ! grep -q readme out'

# One bad input does not stop the others; the exit status is 2.
lint binary.sql syntax.sql missing.sql latin1.sql
check "mixed: exit 2" rc_is 2
check "mixed: the good file's findings are reported" has out '^syntax.sql:4:1: .*\[create-index-non-concurrent\]'
check "mixed: one error per bad input" [ "$(grep -c '^error: ' err)" = 3 ]
check "mixed: a hint after each error" [ "$(grep -c '^hint: ' err)" = 3 ]

# stdin.
lint - < syntax.sql
check "stdin: findings are named <stdin>" has out '^<stdin>:2:14: error \[syntax-error\]'
check "stdin: exit 1" rc_is 1
lint - < binary.sql
check "stdin binary: input error naming <stdin>" input_error '<stdin>' 'binary'
lint - < /dev/null
check "stdin empty: exit 0" rc_is 0

finish
