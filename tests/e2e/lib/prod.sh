# A second real cluster playing production for tests about revision code that goes after it.
# Source after tests/e2e/lib/check.sh, then:
#
#     prod_start                 # pg.sh's cluster, database "prod", a password, log_statement=all
#     url=$PROD_URL              # postgresql://postgres:PASSWORD@/prod?host=...&port=...
#     prod_mark; ...; prod_log_since_mark | grep ...
#
# Every statement and connection is logged with its application_name
# ("app=migrate-gate" for the gate's own libpq reads), so a test can prove
# that nothing but the gate reached production.

PROD_PASSWORD=Pr0d-untrusted-S3cret

prod_start() {
	check_pg_start
	pg_createdb prod
	pg_psql -d postgres -c "ALTER USER postgres PASSWORD '$PROD_PASSWORD'"
	echo "local all all scram-sha-256" >"$PG_DIR/data/pg_hba.conf"
	pg_psql -d postgres -c "ALTER SYSTEM SET log_statement = 'all'" \
		-c "ALTER SYSTEM SET log_connections = on" \
		-c "ALTER SYSTEM SET log_line_prefix = '%m [%p] app=%a '" -c "SELECT pg_reload_conf()" >/dev/null
	export PGPASSWORD=$PROD_PASSWORD # the test's own psql; mg_check unsets it for the gate
	PROD_URL="postgresql://postgres:$PROD_PASSWORD@/prod?host=$PG_DIR&port=$PGPORT"
	PROD_MARK=0
}

prod_mark() {
	PROD_MARK=$(wc -c <"$PG_DIR/server.log")
}

# The server log since prod_mark.
prod_log_since_mark() {
	tail -c +$((PROD_MARK + 1)) "$PG_DIR/server.log"
}

# expect_prod_untouched NAME: since prod_mark, production saw no connection and no statement but
# the gate's own (app=migrate-gate), and it holds no table but t and alembic_version.
expect_prod_untouched() {
	local foreign tables
	foreign=$(prod_log_since_mark | grep -E 'connection authorized|statement:' | grep -v 'app=migrate-gate ' |
		grep -v 'application_name=migrate-gate' || true)
	[ -z "$foreign" ] || fail "$1: production saw someone else: $foreign"
	tables=$(pg_psql -At -d prod -c "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")
	[ "$tables" = "alembic_version,t" ] || fail "$1: production's tables are now: $tables"
	[ "$(pg_psql -At -d prod -c 'SELECT version_num FROM alembic_version')" = r0001 ] ||
		fail "$1: production's alembic_version changed"
	[ "$(pg_psql -At -d prod -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'b'")" = 0 ] ||
		fail "$1: production's t got column b"
}

# keep_outputs TEST: copies the reports and stderr of the run to test-outputs/TEST (the suite-wide
# secret grep reads them).
keep_outputs() {
	local dir=${MIGRATE_GATE_BUILD:?}/test-outputs/$1
	mkdir -p "$dir"
	cp "$CHECK_WORK"/*.json "$CHECK_WORK"/*.err "$dir"/ 2>/dev/null || true
	cp "$CHECK_WORK"/*.probe "$dir"/ 2>/dev/null || true
}
