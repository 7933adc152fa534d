# What lint agrees to read (docs/lint.md, "Inputs"): regular files, folders of
# them and "-", each up to --max-file-size. A device, a FIFO or a bigger file is
# one error line and a hint, exit 2, without hanging or reading it, and the
# other inputs are still linted. Folder walks end on symlink loops, lint each
# file once, and go on past a folder they cannot open.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
keep=${MIGRATE_GATE_BUILD:-$tmp}/test-outputs/cli/inputs
rm -rf "$keep"
mkdir -p "$keep"
show_failure() {
	sed 's/^/    stdout: /' out | head -10
	sed 's/^/    stderr: /' err | head -10
	echo "    exit: $(cat rc)"
}
asan=false
if [[ "$(ldd "$BIN" 2>/dev/null)" == *libasan* ]]; then asan=true; fi # not | grep -q: SIGPIPE under pipefail

# Runs lint with a time limit (a hang is exit 124) and, outside ASan, a memory
# limit (reading /dev/zero to the end would take the machine's memory).
n_run=0
lint() {
	local rc=0
	n_run=$((n_run + 1))
	(
		if ! $asan; then ulimit -v $((1024 * 1024)); fi
		exec timeout 30 "$BIN" lint --color never "$@"
	) > out 2> err || rc=$?
	echo "$rc" > rc
	cp out "$keep/$n_run.out"
	cp err "$keep/$n_run.err"
	echo "$*" > "$keep/$n_run.args"
}
rc_is() { [ "$(cat rc)" = "$1" ]; }
# Exit 2, exactly the given number of error lines (default 1), each followed by a hint, one naming the path.
input_error() { # path, what its message must also say, [number of errors]
	rc_is 2 && [ "$(grep -c '^error: ' err)" = "${3:-1}" ] &&
		[ "$(grep -A1 '^error: ' err | grep -c '^hint: ')" = "${3:-1}" ] &&
		grep '^error: ' err | grep -F "'$1'" | grep -q -- "$2"
}
# The files that have findings, sorted, one per line.
linted() { sed -n 's/^\([^ :]*\.sql\):[0-9]*:[0-9]*: .*/\1/p' out | sort -u; }
findings_in() { grep -c "^$1:" out || true; }

printf 'CREATE INDEX i ON t (a);\n' > good.sql

# Devices: refused without being read (they never end).
lint /dev/zero
check "/dev/zero: exit 2, one error naming it, a hint" input_error /dev/zero 'a character device, not a regular file'
lint /dev/urandom good.sql
check "/dev/urandom: input error" input_error /dev/urandom 'a character device'
check "/dev/urandom: the other input is still linted" [ "$(linted)" = good.sql ]

# A FIFO with no writer: refused at once, not waited on.
mkfifo pipe.sql
lint pipe.sql good.sql
check "FIFO: exit 2 (not a hang), one error naming it" input_error pipe.sql 'a FIFO, not a regular file'
check "FIFO: the other input is still linted" [ "$(linted)" = good.sql ]
mkdir -p tree
cp good.sql tree/a.sql
mkfifo tree/b.sql
cp good.sql tree/c.sql
ln -s /dev/zero tree/d.sql
lint tree
check "FIFO and device in a folder: one error each, the files around them linted" \
	sh -c '[ "$(cat rc)" = 2 ] && grep -q "tree/b.sql. is a FIFO" err && grep -q "tree/d.sql. is a character device" err'
check "FIFO and device in a folder: a hint for each" [ "$(grep -c '^hint: ' err)" = 2 ]
check "FIFO and device in a folder: the regular files are linted" [ "$(linted | tr '\n' ' ')" = "tree/a.sql tree/c.sql " ]

# --max-file-size: files and stdin, whatever stdin is.
head -c 2000 /dev/zero | tr '\0' ' ' > padded.sql
cat good.sql >> padded.sql
lint --max-file-size 1K padded.sql good.sql
check "over --max-file-size: exit 2, one error naming it, the limit in bytes" \
	input_error padded.sql 'larger than --max-file-size (1024 bytes)'
check "over --max-file-size: the other input is still linted" [ "$(linted)" = good.sql ]
lint --max-file-size 2K padded.sql
check "under --max-file-size: linted" sh -c '[ "$(cat rc)" = 1 ] && grep -q "^padded.sql:1:2001: " out'
MIGRATE_GATE_MAX_FILE_SIZE=1000 lint padded.sql
check "MIGRATE_GATE_MAX_FILE_SIZE: the same limit" input_error padded.sql 'larger than --max-file-size (1000 bytes)'
truncate -s 65M sparse.sql
lint sparse.sql good.sql
check "default limit 64M: a 65 MB file is refused before it is read" \
	input_error sparse.sql 'larger than --max-file-size (67108864 bytes)'
lint - < /dev/zero
check "stdin from /dev/zero: stops at the limit, exit 2, names <stdin>" \
	input_error '<stdin>' 'larger than --max-file-size (67108864 bytes)'
lint --max-file-size 1K - < padded.sql
check "stdin over --max-file-size: refused" input_error '<stdin>' 'larger than --max-file-size (1024 bytes)'
cat padded.sql | lint --max-file-size 3K -
check "stdin (a pipe) under --max-file-size: linted" sh -c '[ "$(cat rc)" = 1 ] && grep -q "^<stdin>:1:2001: " out'
for bad in 0 -1 1X 12KB 17G 99999999999999999999; do
	lint --max-file-size "$bad" good.sql
	check "--max-file-size $bad: usage error" sh -c '[ "$(cat rc)" = 2 ] && grep -q "^error: invalid value" err && grep -q "^hint: " err'
done

# Walks: two links to "." would make the walk exponential; a file reachable by
# several paths is linted once.
mkdir -p loops/sub
cp good.sql loops/a.sql
cp good.sql loops/sub/b.sql
ln -s . loops/here1
ln -s . loops/here2
ln -s .. loops/sub/up
ln -s a.sql loops/z_alias.sql
ln -s "$PWD/loops" loops/sub/absolute
lint loops loops/a.sql loops/z_alias.sql
check "symlink loops: the walk ends (exit 1: findings, no error)" sh -c '[ "$(cat rc)" = 1 ] && [ ! -s err ]'
check "symlink loops: each file linted once" [ "$(linted | tr '\n' ' ')" = "loops/a.sql loops/sub/b.sql " ]
check "symlink loops: one finding set per file" [ "$(findings_in loops/a.sql)" = "$(findings_in loops/sub/b.sql)" ]
lint --format json loops
check "symlink loops: 2 files in the summary" python3 -c "import json; assert json.load(open('out'))['summary']['files'] == 2"

# One folder that cannot be opened: one error and a hint, and the rest of the
# walk goes on. Root opens any folder, so the walk then runs as nobody.
mkdir -p walk/locked walk/open
cp good.sql walk/a.sql
cp good.sql walk/locked/hidden.sql
cp good.sql walk/open/b.sql
cp good.sql walk/z.sql
chmod 000 walk/locked
if [ "$(id -u)" = 0 ]; then
	# nobody must reach the binary and the folder: both are copied into the 755 scratch folder.
	cp "$BIN" ./migrate-gate
	chmod 755 "$tmp" ./migrate-gate
	rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups timeout 30 ./migrate-gate lint --color never walk > out 2> err || rc=$?
	echo "$rc" > rc
	cp out "$keep/unreadable.out"
	cp err "$keep/unreadable.err"
else
	lint walk
fi
check "unreadable folder: exit 2, one error naming it, a hint" input_error walk/locked 'Permission denied'
check "unreadable folder: everything else is linted" [ "$(linted | tr '\n' ' ')" = "walk/a.sql walk/open/b.sql walk/z.sql " ]
chmod 755 walk/locked

finish
