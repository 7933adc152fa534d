#!/usr/bin/env bash
# A poisoned --scratch-cache (issue 6, item 12). The attack: a cache dir prepared by another user, with
# the template's postgresql.auto.conf a symlink to a file of root's, made a root run overwrite that
# file and chown it to postgres. Now every unsafe cache is refused with exit 2 (one error line and a
# hint), before anything is written, and the target file keeps its content, owner, mode and mtime:
# - a cache dir of another user (as root: not root's), group/world-writable, or itself a symlink;
# - a template entry that is a symlink, a FIFO, a hard link, or another user's.
# A good cache still works. The cases about other users need root (skipped otherwise).
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
root=false
[ "$(id -u)" != 0 ] || root=true
good=$CHECK_WORK/cache
mg_check fill -C "$FIXTURES/clean_pass" --scratch-cache "$good"
expect_rc fill 0
tpl_name=$(cd "$good" && ls -d pg*-u*)
[ -f "$good/$tpl_name/data/PG_VERSION" ] || fail "fill: no template in $good"

# The file the attack aims at: root's own (or ours when not root).
target=$CHECK_WORK/target.conf
echo "precious = 'root owns this'" >"$target"
chmod 644 "$target"
touch -d '2020-01-02 03:04:05' "$target"
before=$(stat -c '%u:%g %a %Y %s' "$target")

# poisoned NAME: a copy of the good cache, $cache ($CHECK_WORK/NAME); its template is $tpl.
poisoned() {
	cache=$CHECK_WORK/$1
	cp -a "$good" "$cache"
	tpl=$cache/$tpl_name
}

# refused NAME CACHE TEXT: exit 2, one error naming the cache and TEXT, a hint, nothing left, target untouched.
refused() {
	mg_check "$1" -C "$FIXTURES/clean_pass" --scratch-cache "$2"
	expect_bad_input "$1" 2 "refusing the scratch cache '$2': "
	expect_err "$1" "$3"
	[ "$(stat -c '%u:%g %a %Y %s' "$target")" = "$before" ] || fail "$1: the target changed: $(stat -c '%u:%g %a %y %s' "$target")"
	grep -qx "precious = 'root owns this'" "$target" || fail "$1: the target was written: $(head -c 200 "$target")"
}

# The attack of the issue, as it was: another user's cache, postgresql.auto.conf symlinked to the target.
poisoned attack
ln -sf "$target" "$tpl/data/postgresql.auto.conf"
if $root; then
	chown -R nobody "$cache"
	chown -h nobody "$tpl/data/postgresql.auto.conf"
	refused attack "$cache" "it does not belong to root"
fi

# The same symlink in a cache of our own: the template is checked entry by entry.
poisoned symlink
ln -sf "$target" "$tpl/data/postgresql.auto.conf"
refused symlink "$cache" "'$tpl_name/data/postgresql.auto.conf' is a symbolic link"

# Whatever the entry: a symlinked dir, a FIFO (would hang a reader), a hard link to the target.
poisoned symlink_dir
rm -rf "$tpl/data/pg_notify"
ln -s "$CHECK_WORK" "$tpl/data/pg_notify"
refused symlink_dir "$cache" "'$tpl_name/data/pg_notify' is a symbolic link"
poisoned fifo
mkfifo -m 600 "$tpl/data/pg_ident.conf.new"
refused fifo "$cache" "'$tpl_name/data/pg_ident.conf.new' is not a regular file or dir"
poisoned hardlink
rm "$tpl/data/postgresql.auto.conf"
ln "$target" "$tpl/data/postgresql.auto.conf"
refused hardlink "$cache" "'$tpl_name/data/postgresql.auto.conf' has other hard links"
rm "$tpl/data/postgresql.auto.conf"

# The cache dir itself: writable by others, a symlink to a good cache.
poisoned writable
chmod 777 "$cache"
refused writable "$cache" "it is writable by group or others"
chmod 730 "$cache"
refused group_writable "$cache" "it is writable by group or others"
ln -s "$good" "$CHECK_WORK/link"
refused link "$CHECK_WORK/link" "it is a symbolic link"

if $root; then
	# An entry of another user in a root-owned cache; a root-owned cache for a run as another user.
	poisoned foreign_entry
	chown nobody "$tpl/data/PG_VERSION"
	refused foreign_entry "$cache" "'$tpl_name/data/PG_VERSION' belongs to another user"
	tmp=$CHECK_WORK/nobody-tmp
	mkdir -m 1777 "$tmp"
	proj=$(private_copy clean_pass)
	rc=0
	(cd "$proj" && runuser -u nobody -- env -u PGHOST -u PGPORT TMPDIR="$tmp" "$MIGRATE_GATE_BIN" check \
		--format json --scratch-cache "$good") >"$CHECK_WORK/as_nobody.json" 2>"$CHECK_WORK/as_nobody.err" || rc=$?
	[ "$rc" = 2 ] || fail "as_nobody: exit status $rc, expected 2"
	expect_err as_nobody "refusing the scratch cache '$good': it belongs to another user"
	[ -z "$(ls -A "$tmp")" ] || fail "as_nobody: left in its TMPDIR: $(ls -A "$tmp")"
fi

# The good cache is still used (no initdb: the run makes no initdb.log), and still refused by nobody.
mg_check reuse -C "$FIXTURES/clean_pass" --scratch-cache "$good" -v --keep-scratch
expect_rc reuse 0
kept=$(ls -d "$CHECK_TMP"/migrate-gate-*)
[ ! -e "$kept/initdb.log" ] || fail "reuse: initdb ran although the cache holds a template"
[ -f "$kept/data/PG_VERSION" ] || fail "reuse: no data dir copied"
if $root; then
	[ "$(stat -c %U "$kept/data/postgresql.auto.conf")" = postgres ] || fail "reuse: the copy is not the postgres user's"
fi
runuser_prefix=()
! $root || runuser_prefix=(runuser -u postgres --)
"${runuser_prefix[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$kept/data" stop -m immediate >/dev/null
rm -rf "$kept"
[ "$(stat -c '%u:%g %a %Y %s' "$target")" = "$before" ] || fail "the target changed"
expect_clean cache

check_done "--scratch-cache: poisoned caches refused, the target untouched"
