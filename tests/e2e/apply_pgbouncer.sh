#!/usr/bin/env bash
# Fault test 5, a transaction pooler: a real PgBouncer (Debian's) in transaction mode in front of
# the test server is refused (exit 3, nothing applied, a hint at the direct port); the same
# database through PgBouncer in session mode, and directly, is applied.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$PGBOUNCER" ] || { echo "pgbouncer is not installed: run scripts/bootstrap" >&2; exit 1; }
apply_start
good=$FIXTURES/good

# bouncer NAME MODE: PgBouncer on 127.0.0.1 in front of the test server, as the server's user;
# its port in BOUNCER_PORT.
bouncer() {
	local dir=$WORK/$1 port
	mkdir -p "$dir"
	port=$((40000 + RANDOM % 20000))
	echo '"postgres" ""' >"$dir/users.txt"
	cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$PG_DIR port=$PGPORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = $2
default_pool_size = 4
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
	[ "$(id -u)" = 0 ] && chown -R postgres "$dir"
	pg_as_server_user "$PGBOUNCER" -d "$dir/pgbouncer.ini" >"$OUT/pgbouncer-$1.out" 2>&1 ||
		fail "pgbouncer $1 did not start: $(cat "$OUT/pgbouncer-$1.out")"
	for i in $(seq 1 100); do
		"$PG_BINDIR/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "SELECT 1" >/dev/null 2>&1 && break
		sleep 0.1
	done
	APPLY_KILL="$APPLY_KILL $(cat "$dir/pgbouncer.pid")"
	BOUNCER_PORT=$port
}
burl() { echo "postgresql://postgres@127.0.0.1:$1/$2"; }

bouncer tx transaction
prod_at prod_tx "$good" r0001
mg tx apply -C "$good" --production-url "$(burl "$BOUNCER_PORT" prod_tx)"
expect_rc tx 3
expect_err tx "error: production is reached through a transaction pooler:"
expect_err tx "hint: connect to PostgreSQL's own port, or to a pooler in session mode"
expect_json tx 'not r["passed"] and [v["outcome"] for v in r["revisions"]] == ["not attempted", "not attempted"]'
[ "$(versions_of prod_tx)" = r0001 ] || fail "tx: something was applied through the transaction pooler"

bouncer session session
prod_at prod_session "$good" r0001
mg session apply -C "$good" --production-url "$(burl "$BOUNCER_PORT" prod_session)" --lock-timeout 2s
expect_rc session 0
expect_json session '[v["outcome"] for v in r["revisions"]] == ["applied", "applied"]'
[ "$(versions_of prod_session)" = r0003 ] || fail "session: production is at '$(versions_of prod_session)'"

mg direct apply -C "$good" --production-url "$(pg_url prod_tx)"
expect_rc direct 0
[ "$(versions_of prod_tx)" = r0003 ] || fail "direct: production is at '$(versions_of prod_tx)'"

apply_done "a transaction pooler is refused; session mode and direct work"
