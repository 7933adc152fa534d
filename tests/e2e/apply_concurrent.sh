#!/usr/bin/env bash
# Fault test 1, concurrent deploys: two `apply` runs start at the same moment against one
# production at r0001, 20 trials. Each time exactly one applies; the other waits for the lock
# and then finds nothing to do (exit 0), or exits 4 naming the holder. Production always ends
# at r0003 with one version row and the schema alembic itself gives, and no lock or session of
# the gate is left.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good
TRIALS=${APPLY_TRIALS:-20}

prod_at ref "$good" r0003
want=$(schema_of ref)
prod_at tmpl "$good" r0001

applied_by() { json_get "$1" 'sum(v["outcome"] == "applied" for v in r["revisions"])' 2>/dev/null || echo "?"; }

for t in $(seq 1 "$TRIALS"); do
	db=prod$t
	pg_createdb "$db" tmpl
	mg "a$t" apply -C "$good" --production-url "$(pg_url "$db")" &
	a=$!
	mg "b$t" apply -C "$good" --production-url "$(pg_url "$db")" &
	b=$!
	wait "$a" "$b" || true
	rc_of "a$t"
	ra=$RC
	rc_of "b$t"
	rb=$RC
	na=$(applied_by "a$t")
	nb=$(applied_by "b$t")
	case "$na/$nb" in
	2/0) loser=b$t rl=$rb winner_rc=$ra ;;
	0/2) loser=a$t rl=$ra winner_rc=$rb ;;
	*)
		fail "trial $t: revisions applied by each run: $na and $nb (exit $ra and $rb)"
		continue
		;;
	esac
	[ "$winner_rc" = 0 ] || fail "trial $t: the run that applied exited $winner_rc"
	if [ "$rl" = 0 ]; then
		# It waited for the lock, or it planned after the other had finished.
		grep -qE "nothing is left to apply|nothing to apply" "$OUT/$loser.err" ||
			fail "trial $t: $loser exited 0 without saying there was nothing to do"
	elif [ "$rl" = 4 ]; then
		grep -q "is still held after .* by pid" "$OUT/$loser.err" || fail "trial $t: $loser exited 4 without naming the holder"
	else
		fail "trial $t: $loser exited $rl"
	fi
	[ "$(versions_of "$db")" = r0003 ] || fail "trial $t: version rows '$(versions_of "$db")'"
	[ "$(schema_of "$db")" = "$want" ] || fail "trial $t: the schema is not alembic's r0003"
	wait_quiet "$db" 10 || true
	pg_psql -d postgres -c "DROP DATABASE $db"
done

apply_done "$TRIALS concurrent-apply trials"
