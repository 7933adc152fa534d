#!/usr/bin/env bash
# Issue 15 item 2: a revision that commits part of its work itself and then hits lock_timeout
# is never retried, however it committed (a COMMIT statement, a DB-API commit(), an
# autocommit_block() its text does not spell): the UPDATE before the commit ran once, exit 4,
# and the report names what committed. The same revision without a commit is retried once the
# blocker is gone, and counts once too.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
proj=$FIXTURES/self_commit

counter_of() { pg_psql -At -d "$1" -c "SELECT n FROM counter"; }
say() {
	case $1 in
	statement) echo "a COMMIT statement" ;;
	dbapi) echo "a DB-API commit()" ;;
	autocommit) echo "entering autocommit_block()" ;;
	esac
}

# One database brought to r0001 by the alembic CLI, copied for each case.
prod_at p_r0001 "$proj" r0001
for db in p_statement p_dbapi p_autocommit p_none; do
	pg_psql -q -d postgres -c "CREATE DATABASE $db TEMPLATE p_r0001"
done

for how in statement dbapi autocommit; do
	hold "t2_$how" "p_$how" "holds t2" "SELECT count(*) FROM t2"
	mg "$how" apply -C "$proj" --production-url "$(pg_url "p_$how")" -x "commit=$how" --lock-timeout 200ms --retries 3
	release "t2_$how"
	expect_rc "$how" 4
	[ "$(counter_of "p_$how")" = 1 ] || fail "$how: the UPDATE ran $(counter_of "p_$how") times"
	[ "$(versions_of "p_$how")" = r0001 ] || fail "$how: version rows '$(versions_of "p_$how")'"
	# failed once, marked for a person, the UPDATE committed (the ALTER failed), the commit named
	# with the way it was made and the server's word on its transaction
	expect_json "$how" "(r['revisions'][0]['outcome'] == 'failed' and r['revisions'][0]['attempts'] == 1
		and r['revisions'][0]['needs_manual_attention'] and not r['revisions'][0]['single_transaction']
		and [(s['sql'], s['committed']) for s in r['revisions'][0]['statements'] if 'counter' in s['sql'] or 't2' in s['sql']]
			== [('UPDATE counter SET n = n + 1', True)] and 'lock timeout' in r['revisions'][0]['error']
		and any('committed part of its work itself ($(say "$how"), transaction' in n
			and 'committed as the server confirms' in n for n in r['notes']))"
	expect_err "$how" "met lock_timeout after committing part of its work: not retried"
	expect_err "$how" "error: revision 'r0002' failed after committing part of it:"
	[ "$(grep -c "retrying in" "$OUT/$how.err" || true)" = 0 ] || fail "$how: the revision was retried"
done

# No commit: retried once the blocker is gone, and the UPDATE counted once.
hold t2_none p_none "holds t2" "SELECT count(*) FROM t2"
mg none apply -C "$proj" --production-url "$(pg_url p_none)" -x commit=none --lock-timeout 200ms --retries 6 &
apply_bg=$!
APPLY_KILL="$APPLY_KILL $apply_bg"
for i in $(seq 1 300); do # 30 s at most
	grep -q "hit lock_timeout (attempt 1 of" "$OUT/none.err" 2>/dev/null && break
	sleep 0.1
done
release t2_none
wait "$apply_bg" || true
rc_of none
expect_rc none 0
expect_json none 'r["revisions"][0]["outcome"] == "applied" and r["revisions"][0]["attempts"] >= 2 and r["revisions"][0]["single_transaction"]'
[ "$(counter_of p_none)" = 1 ] || fail "none: the UPDATE ran $(counter_of p_none) times"
[ "$(versions_of p_none)" = r0002 ] || fail "none: version rows '$(versions_of p_none)'"
for db in p_statement p_dbapi p_autocommit p_none; do wait_quiet "$db" 10; done

apply_done "a self-committing revision is never retried; a one-transaction revision is"
