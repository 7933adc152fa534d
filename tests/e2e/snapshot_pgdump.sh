#!/usr/bin/env bash
# Cross-check of the snapshot fixtures against pg_dump --schema-only, the
# independent witness: for every case in tests/fixtures/sql/cases/, the
# pg_dump outputs of base and case are equal exactly when the case expects no
# difference. unit/snapshot_test asserts that the snapshot diff gives exactly
# the expected lines, so together: snapshot diff empty <=> pg_dump equal.
# The one exception is marked "-- pg_dump: same": an INVALID index, which
# pg_dump -s leaves out and the snapshot must see.
set -euo pipefail
src=${MIGRATE_GATE_SRC:?run through ctest}
. "$src/tests/e2e/lib/pg.sh"
pg_start

fixtures=$src/tests/fixtures/sql
pg_createdb base
pg_psql -d base -f "$fixtures/base.sql" >/dev/null

# Comments, SET lines and blank lines vary with nothing in the schema.
# alembic_version is left out, as the snapshot leaves it out.
dump() {
	"$PG_BINDIR/pg_dump" --schema-only -T alembic_version "$1" |
		grep -v -e '^--' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^$' -e '^\\restrict' -e '^\\unrestrict'
}
dump base >"$PG_DIR/base.dump"

failed=0
count=0
for case in "$fixtures"/cases/*.sql; do
	name=$(basename "$case" .sql)
	db="case_$name"
	count=$((count + 1))
	pg_createdb "$db" base
	pg_psql -d "$db" -f "$case" >/dev/null 2>&1
	dump "$db" >"$PG_DIR/$name.dump"
	if cmp -s "$PG_DIR/base.dump" "$PG_DIR/$name.dump"; then dump_same=1; else dump_same=0; fi
	if grep -q '^-- expect:' "$case"; then snapshot_same=0; else snapshot_same=1; fi
	if grep -q '^-- pg_dump: same' "$case"; then
		want_dump_same=1
		[ "$snapshot_same" = 0 ] || { echo "FAIL $name: marked pg_dump-blind but expects no difference"; failed=1; }
	else
		want_dump_same=$snapshot_same
	fi
	if [ "$dump_same" != "$want_dump_same" ]; then
		echo "FAIL $name: pg_dump equal=$dump_same, expected $want_dump_same"
		diff "$PG_DIR/base.dump" "$PG_DIR/$name.dump" | head -20 || true
		failed=1
	else
		echo "ok   $name (pg_dump equal=$dump_same)"
	fi
done

# The harness itself: the URL it hands out reaches the database.
[ "$("$PG_BINDIR/psql" -X -At -d "$(pg_url base)" -c 'SELECT current_database()')" = base ]
[ "$count" -ge 15 ] || { echo "FAIL: only $count cases"; failed=1; }
echo "$count cases"
exit "$failed"
