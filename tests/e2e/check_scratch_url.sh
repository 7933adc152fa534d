#!/usr/bin/env bash
# --scratch-url and --production-url against a real server with password authentication: the
# throwaway database is created and dropped (also when the check fails), no local cluster is
# started, a wrong password or an unreachable server is exit 3, and the password never shows.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
check_pg_start
good=$FIXTURES/good
pw='S3cr3t@gate-pw' # '@' is %40 in a URL: neither spelling may show
pw_url='S3cr3t%40gate-pw'

# Password auth for role gate on the socket; everything else stays trust. Log every DDL statement.
pg_psql -c "CREATE ROLE gate LOGIN CREATEDB PASSWORD '$pw'" -c "ALTER SYSTEM SET log_statement = 'ddl'"
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all gate scram-sha-256"; cat "$hba"; } >"$hba.new"
cat "$hba.new" >"$hba"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
PGPASSWORD=wrong "$PG_BINDIR/psql" -X -U gate -d postgres -c 'SELECT 1' >/dev/null 2>&1 && fail "password auth is not on"
url() { echo "postgresql://gate:$1@/$2?host=$PG_DIR&port=$PGPORT"; }

# no_secret NAME: neither spelling of the password in its report or stderr.
no_secret() {
	if grep -lF -e "$pw" -e "$pw_url" -e "S3cr3t" "$CHECK_WORK/$1.json" "$CHECK_WORK/$1.err"; then
		fail "$1: the password shows"
	fi
}
scratch_dbs() { pg_psql -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'migrate_gate%'"; }
# created_and_dropped NAME: the log has one CREATE DATABASE and its DROP since mark.
created_and_dropped() {
	local created
	# The checkpoint copies (NAME_ck, CREATE DATABASE ... TEMPLATE NAME) are not scratch databases.
	created=$(tail -c +"$mark" "$PG_DIR/server.log" | sed -n 's/.*statement: CREATE DATABASE "\{0,1\}\(migrate_gate[A-Za-z0-9_]*\).*/\1/p' | grep -v '_ck$' | sort -u || true)
	# A failed round trip restores the checkpoint: the scratch database is created again, same name.
	[ "$(echo "$created" | grep -c .)" = 1 ] || fail "$1: not one scratch database created: '$created'"
	# The drop may come from the watchdog, just after the gate's exit: poll for it, up to 5 s.
	local i dropped=false
	for i in $(seq 50); do
		tail -c +"$mark" "$PG_DIR/server.log" | grep -q "statement: DROP DATABASE.*$created" && dropped=true && break
		sleep 0.1
	done
	$dropped || fail "$1: '$created' not dropped"
	[ -z "$(scratch_dbs)" ] || fail "$1: scratch databases left: $(scratch_dbs)"
}
log_mark() { mark=$(($(stat -c %s "$PG_DIR/server.log") + 1)); }

# A clean replay on the server: created, used, dropped; no local cluster.
log_mark
mg_check scratch -C "$FIXTURES/clean_pass" --scratch-url "$(url "$pw_url" postgres)" -v
expect_rc scratch 0
expect_err scratch "(--scratch-url)"
expect_json scratch 'r["passed"] and r["summary"]["files"] == 2'
created_and_dropped scratch
tail -c +"$mark" "$PG_DIR/server.log" | grep -q 'CREATE TABLE account' || fail "scratch: the replay did not run on the server"
no_secret scratch
expect_clean scratch

# env.py that connects with libpq's PG* variables only gets the password through PGPASSWORD.
mg_check scratch_libpq -C "$FIXTURES/url_sources" -x source=libpq --scratch-url "$(url "$pw_url" postgres)"
expect_rc scratch_libpq 0
expect_err scratch_libpq "replay 1/1 r0001"
no_secret scratch_libpq
expect_clean scratch_libpq

# A failing replay and an env.py that ignores the URL drop it too.
log_mark
mg_check scratch_fail -C "$FIXTURES/downgrade_leaves_index" --scratch-url "$(url "$pw_url" postgres)"
expect_rc scratch_fail 1
expect_findings scratch_fail replay <<'EOF2'
downgrade-leaves-object|r0002|versions/r0002.py|21|index "ix_t_a" on "t" still exists after downgrade of r0002
EOF2
created_and_dropped scratch_fail
no_secret scratch_fail
expect_clean scratch_fail
log_mark
mg_check scratch_env -C "$FIXTURES/env_ignores_url" --scratch-url "$(url "$pw_url" postgres)"
expect_bad_input scratch_env 3 "tried to connect to host '(sqlite)' port - database ':memory:' (sqlalchemy sqlite)"
created_and_dropped scratch_env
no_secret scratch_env

# Production with a password: read, never written, never shown.
pg_createdb prod
(cd "$good" && DATABASE_URI=$(pg_url prod) /usr/bin/python3 -m alembic -c alembic.ini upgrade r0002 >/dev/null 2>&1)
pg_psql -d prod -c "GRANT SELECT ON alembic_version TO gate"
mg_check prod -C "$good" --production-url "$(url "$pw_url" prod)" -v
expect_rc prod 0
expect_err prod "production is at r0002"
expect_err prod "replay 1/1 r0003"
no_secret prod
expect_clean prod
# Also in the text report, and on a failing check.
mg_check prod_text -C "$good" --production-url "$(url "$pw_url" prod)" --format text --fail-on warning -v
expect_rc prod_text 1
grep -q 'r0003' "$CHECK_WORK/prod_text.json" || fail "prod_text: no text report of r0003"
no_secret prod_text
expect_clean prod_text

# Wrong passwords, an unreachable server: exit 3, nothing left, nothing shown.
mg_check scratch_badpw -C "$good" --scratch-url "$(url "Wr0ngS3cr3t" postgres)"
expect_bad_input scratch_badpw 3 "password authentication failed"
grep -qF "Wr0ng" "$CHECK_WORK/scratch_badpw.err" && fail "scratch_badpw: the wrong password shows"
no_secret scratch_badpw
mg_check prod_badpw -C "$good" --production-url "$(url "Wr0ngS3cr3t" prod)"
expect_bad_input prod_badpw 3 "password authentication failed"
grep -qF "Wr0ng" "$CHECK_WORK/prod_badpw.err" && fail "prod_badpw: the wrong password shows"
mkdir "$CHECK_WORK/no-server"
mg_check unreachable -C "$good" --scratch-url "postgresql://gate:$pw_url@/postgres?host=$CHECK_WORK/no-server&port=5432"
expect_bad_input unreachable 3 "no-server"
no_secret unreachable
[ -z "$(scratch_dbs)" ] || fail "scratch databases left: $(scratch_dbs)"

# SIGTERM while a revision runs on the server: the database is dropped all the same.
set -m
proj=$(private_copy hangs)
TMPDIR=$CHECK_TMP "$MIGRATE_GATE_BIN" check -C "$proj" --scratch-url "$(url "$pw_url" postgres)" \
	>"$CHECK_WORK/sigterm.json" 2>"$CHECK_WORK/sigterm.err" &
keep "$CHECK_WORK/sigterm.json" "$CHECK_WORK/sigterm.err"
pid=$!
for i in $(seq 150); do
	[ "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%'")" = 1 ] && break
	sleep 0.2
done
[ -n "$(scratch_dbs)" ] || fail "sigterm: no scratch database while the revision runs"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 143 ] || fail "sigterm: exit status $rc, expected 143 (SIGTERM)"
[ -z "$(scratch_dbs)" ] || fail "sigterm: scratch databases left: $(scratch_dbs)"
sleep 0.5
[ -z "$(procs_under "$proj")" ] || fail "sigterm: the driver is still running"
no_secret sigterm
expect_clean sigterm

check_done "--scratch-url and passwords"
