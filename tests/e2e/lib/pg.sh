# Shared PostgreSQL harness for the e2e tests. Source it, then call pg_start:
#
#     . "$MIGRATE_GATE_SRC/tests/e2e/lib/pg.sh"
#     pg_start                      # a private cluster, stopped and removed on exit
#     pg_createdb app               # CREATE DATABASE app (optionally TEMPLATE x)
#     pg_psql -d app -f schema.sql  # psql with ON_ERROR_STOP, no psqlrc
#     url=$(pg_url app)             # postgresql://postgres@/app?host=...&port=...
#
# The cluster is what migrate-gate's own scratch server is: initdb --no-sync,
# unix socket only in a private temp dir, fsync off; as root it runs as the
# postgres user. pg_start exports PGHOST, PGPORT, PGUSER and PG_BINDIR, so plain
# client tools reach it. On exit the server is stopped and its dir removed;
# when the test failed, the end of the server log is printed first.
#
# PG_BINDIR may be set beforehand to pick the server binaries.

pg_find_bindir() {
	local dir
	dir=$(pg_config --bindir 2>/dev/null || true)
	if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
		echo "$dir"
		return 0
	fi
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
			echo "$dir"
			return 0
		fi
	done
	echo "pg.sh: no PostgreSQL server binaries (searched pg_config --bindir, /usr/lib/postgresql/*/bin)" >&2
	return 1
}

# Runs a server tool as the postgres user when we are root: postgres refuses root.
pg_as_server_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_initdb DIR: a new cluster in DIR, as the harness wants it.
pg_initdb() {
	if ! pg_as_server_user "$PG_BINDIR/initdb" --no-sync -U postgres --auth=trust -E UTF8 --locale=C \
		-D "$1" >"$1.initdb.log" 2>&1; then
		cat "$1.initdb.log" >&2
		exit 1
	fi
	rm -f "$1.initdb.log"
}

# pg_template_copy DIR: the data dir of a fresh cluster in DIR, copied from a template made
# once per build tree and server binaries (initdb costs 0.6 s of CPU or more, a copy 0.05 s;
# the suite starts about a hundred clusters). The first test to need it makes it, under a
# lock; PG_TEMPLATE=none (or no build tree) runs initdb every time.
pg_template_copy() {
	local tpl
	if [ "${PG_TEMPLATE:-}" = none ] || [ -z "${MIGRATE_GATE_BUILD:-}" ]; then
		pg_initdb "$1"
		return
	fi
	tpl=$MIGRATE_GATE_BUILD/pg-template/$(echo "$PG_BINDIR $(id -u)" | md5sum | cut -c1-12)
	mkdir -p "$MIGRATE_GATE_BUILD/pg-template"
	(
		flock 9
		if [ ! -d "$tpl/data" ]; then
			rm -rf "$tpl.tmp"
			mkdir -p "$tpl.tmp"
			[ "$(id -u)" = 0 ] && chown postgres "$tpl.tmp"
			pg_initdb "$tpl.tmp/data"
			mv "$tpl.tmp" "$tpl"
		fi
	) 9>"$MIGRATE_GATE_BUILD/pg-template/lock"
	cp -a "$tpl/data" "$1"
}

pg_start() {
	PG_BINDIR=${PG_BINDIR:-$(pg_find_bindir)} || exit 1
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mg-e2e-XXXXXX")
	trap '_pg_on_exit $?' EXIT
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
	PGPORT=$((20000 + RANDOM % 20000)) # names the socket file only: the dir is private
	pg_template_copy "$PG_DIR/data"
	cat >"$PG_DIR/data/postgresql.auto.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_DIR'
port = $PGPORT
fsync = off
full_page_writes = off
synchronous_commit = off
autovacuum = off
CONF
	[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR/data/postgresql.auto.conf"
	if ! pg_as_server_user "$PG_BINDIR/pg_ctl" -w -s -D "$PG_DIR/data" -l "$PG_DIR/server.log" start >/dev/null; then
		echo "pg.sh: the server did not start" >&2
		exit 1
	fi
	export PGHOST=$PG_DIR PGPORT PGUSER=postgres PGDATABASE=postgres PG_BINDIR
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_as_server_user "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
	PG_DIR=
}

_pg_on_exit() {
	local status=$1
	if [ "$status" != 0 ] && [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/server.log" ]; then
		echo "--- end of the server log ($PG_DIR/server.log)" >&2
		tail -n 30 "$PG_DIR/server.log" >&2
	fi
	pg_stop
	exit "$status"
}

pg_psql() {
	"$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

# pg_createdb NAME [TEMPLATE]
pg_createdb() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1\"${2:+ TEMPLATE \"$2\"}"
}

# A URL for SQLAlchemy and libpq alike.
pg_url() {
	echo "postgresql://postgres@/${1:-postgres}?host=$PG_DIR&port=$PGPORT"
}
