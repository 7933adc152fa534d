#!/usr/bin/env bash
# The Alembic driver against a real PostgreSQL: runs the database half of
# unit/driver_test (statement capture, autocommit, step failures, merges, the
# step timeout) with one fresh database per fixture, then checks from the
# outside what the driver cannot see (env_ignores_url left its database alone).
set -euo pipefail

build=${MIGRATE_GATE_BUILD:?run through ctest}
src=${MIGRATE_GATE_SRC:?run through ctest}
test_bin=$build/tests/driver_test
[ -x "$test_bin" ] || { echo "missing $test_bin"; exit 1; }

# The harness's cluster (a copy of the build tree's template, fsync off, unix socket only).
. "$src/tests/e2e/lib/pg.sh"
pg_start
bindir=$PG_BINDIR dir=$PG_DIR port=$PGPORT

psql() { "$bindir/psql" -X -q -t -A -h "$dir" -p "$port" -U postgres "$@"; }
fixtures=(good autocommit_concurrently concurrently_outside_autocommit downgrade_raises
	second_upgrade_fails transaction_per_migration transaction_per_migration_off
	data_migration_reads_rows merge_branches env_ignores_url hangs url_sources chain
	env_outer_transaction)
for db in "${fixtures[@]}"; do
	psql -d postgres -c "CREATE DATABASE $db"
done

out=$(env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE MIGRATE_GATE_TEST_GROUP=online MIGRATE_GATE_TEST_PGHOST=$dir MIGRATE_GATE_TEST_PGPORT=$port MIGRATE_GATE_SRC=$src \
	timeout 300 "$test_bin" 2>&1) || { echo "$out"; echo "FAIL: driver_test failed"; exit 1; }
echo "$out" | grep -E '^\[ *(PASSED|FAILED|==========)' || true
# The database group must have run in full (unit/driver_test runs the other one).
echo "$out" | grep -q '^\[==========\] 14 test(s) run' || { echo "$out"; echo "FAIL: database tests did not run"; exit 1; }
[ "$(echo "$out" | grep -c '^\[  PASSED  \]')" = 1 ] || { echo "$out"; echo "FAIL: the database group did not pass"; exit 1; }

# What the driver's upgrades did to the databases, seen from outside.
[ "$(psql -d good -c 'SELECT version_num FROM alembic_version')" = r0003 ] ||
	{ echo "FAIL: good is not at r0003 after the capture and statement-cap tests"; exit 1; }
[ "$(psql -d env_ignores_url -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" = 0 ] ||
	{ echo "FAIL: env_ignores_url touched the database it was given"; exit 1; }
# The autocommit_block index was really built (valid) and then dropped.
[ "$(psql -d autocommit_concurrently -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_t_a'")" = 0 ] ||
	{ echo "FAIL: ix_t_a still exists after the downgrade"; exit 1; }
echo "ok: driver against PostgreSQL $("$bindir/postgres" --version | awk '{print $3}')"
