#!/usr/bin/env bash
# Fault test 3, kill -9 of the gate mid-apply: a generated 6-revision project is applied to an
# empty database and the gate is killed at a random point, 10 trials. Each time the version row
# matches the schema alembic itself gives at that revision (every revision runs in a
# transaction: none is half there), the advisory lock and the migration sessions end with their
# client, and a rerun completes to the head.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
TRIALS=${APPLY_TRIALS:-10}
proj=$WORK/proj
python3 "$MIGRATE_GATE_SRC/bench/gen_project.py" "$proj" 6
chmod -R a+rX "$proj"
revs=$(cd "$proj/versions" && ls | sed 's/^[0-9]*_\(.*\)\.py$/\1/')

# The schema at every revision, from the alembic CLI: schema_at/<rev> ("none" for the empty database).
mkdir "$WORK/schema_at"
pg_createdb ref
schema_of ref >"$WORK/schema_at/none"
for r in $revs; do
	(cd "$proj" && DATABASE_URI=$(pg_url ref) /usr/bin/python3 -m alembic -c alembic.ini upgrade "$r") >/dev/null 2>&1 ||
		fail "alembic could not upgrade ref to $r"
	schema_of ref >"$WORK/schema_at/$r"
done
head=$(echo $revs | awk '{print $NF}')

gate() { # gate DB: apply in the background; the gate's own pid in GATE_PID
	env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE TMPDIR="$WORK/t" "$MIGRATE_GATE_BIN" apply -C "$proj" \
		--production-url "$(pg_url "$1")" --format json -o "$OUT/$1.json" >/dev/null 2>"$OUT/$1.err" &
	GATE_PID=$!
}

# How long a whole apply takes here, and when it starts the first revision: the kills fall
# between the two, so that most of them hit a revision (the start-up is most of the time).
pg_createdb calib
start=$(date +%s%N)
gate calib
first_ms=0
while kill -0 "$GATE_PID" 2>/dev/null; do
	if [ "$first_ms" = 0 ] && grep -q "^apply 1/" "$OUT/calib.err"; then
		first_ms=$((($(date +%s%N) - start) / 1000000))
	fi
	sleep 0.02
done
wait "$GATE_PID" || fail "calibration apply failed: $(cat "$OUT/calib.err")"
span_ms=$((($(date +%s%N) - start) / 1000000))
[ "$first_ms" -gt 0 ] && [ "$first_ms" -lt "$span_ms" ] || first_ms=0
echo "a whole apply takes $span_ms ms here, its first revision starts at $first_ms ms"

for t in $(seq 1 "$TRIALS"); do
	db=kill$t
	pg_createdb "$db"
	delay=$((first_ms + RANDOM % (span_ms - first_ms + 1)))
	gate "$db"
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$GATE_PID" 2>/dev/null || true
	wait "$GATE_PID" 2>/dev/null || true
	wait_quiet "$db" 20 || true
	at=$(versions_of "$db")
	at=${at:-none}
	echo "trial $t: killed after $delay ms, production at $at" | tee -a "$OUT/trials.txt"
	if [ ! -f "$WORK/schema_at/$at" ]; then
		fail "trial $t: version rows '$at' are not one revision"
	elif [ "$(schema_of "$db")" != "$(cat "$WORK/schema_at/$at")" ]; then
		fail "trial $t: the schema does not match revision $at"
		diff <(cat "$WORK/schema_at/$at") <(schema_of "$db") | head -20 >&2 || true
	fi
	mg "rerun$t" apply -C "$proj" --production-url "$(pg_url "$db")"
	expect_rc "rerun$t" 0
	[ "$(versions_of "$db")" = "$head" ] || fail "trial $t: the rerun left production at '$(versions_of "$db")'"
	[ "$(schema_of "$db")" = "$(cat "$WORK/schema_at/$head")" ] || fail "trial $t: the rerun's schema is not the head's"
	wait_quiet "$db" 10 || true
	pg_psql -d postgres -c "DROP DATABASE $db"
done

apply_done "$TRIALS kill -9 trials"
