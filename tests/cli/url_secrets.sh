# Passwords of malformed URLs and the advice around URLs given on the command line (issue 15,
# items 17 and 18), with no server: a connection that cannot be made still prints its URL.
#  - A raw '@' in a URL's password ("u:pw@rd-Part2@host") leaves nothing of the password in any
#    output, and the hint says the URL needs %-encoding.
#  - --target-url's hint names the variable restore really reads (MIGRATE_GATE_TARGET_URL).
#  - A FIFO given to restore is refused at once (exit 2), not waited on.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() { sed 's/^/    stderr: /' err | head -20; }
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
rc_is() { [ "$(cat rc)" = "$1" ]; }
run() {
	local rc=0
	env -u PGPASSWORD -u DATABASE_URI timeout -s KILL 60 "$BIN" "$@" > out 2> err < /dev/null || rc=$?
	echo "$rc" > rc
}

mkdir -p backups
run backup --backup-dir backups --production-url 'postgresql://app:pw@rd-Part2@/prod?host=/nonexistent-mg&port=5999'
check "raw @: exit 3 (cannot connect)" rc_is 3
check "raw @: no part of the password" lacks err "rd-Part2"
check "raw @: the URL is shown masked" has err "cannot connect to 'postgresql://app:****@/prod?host=/nonexistent-mg&port=5999'"
check "raw @: the hint says to %-encode it" has err "hint: the URL's password holds a raw '@': %-encode it ('@' as %40"

run restore --target-url 'postgresql://app:Tgt-pw-55@/x?host=/nonexistent-mg' --yes missing.tar.zst
check "--target-url on argv: warned" has err "the password given with --target-url shows in 'ps'"
check "--target-url on argv: the hint names MIGRATE_GATE_TARGET_URL" has err "MIGRATE_GATE_TARGET_URL"
check "--target-url on argv: no --production-url-env advice" lacks err "e.g. --production-url-env"
check "--target-url on argv: no password" lacks err "Tgt-pw-55"

mkfifo pipe.tar.zst
run restore --target-url 'postgresql:///x?host=/nonexistent-mg' --yes pipe.tar.zst
check "FIFO: exit 2 at once" rc_is 2
check "FIFO: said so" has err "error: 'pipe.tar.zst' is a FIFO, not a regular file"
check "FIFO: with a hint" has err "hint: give the archive file that 'migrate-gate backup' wrote"
finish
