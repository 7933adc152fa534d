#!/usr/bin/env bash
# Fault test 4, a partial autocommit_block: r0002 of autocommit_partial commits CREATE TABLE
# audit and CREATE INDEX CONCURRENTLY ix_t_a, then its second statement in the block (ALTER
# TABLE t2) hits lock_timeout behind a session holding t2. apply must exit 4, list exactly the
# two committed statements, say the revision needs manual attention, and never retry it
# although the error is a lock timeout and --retries allows 3. Production keeps r0001 as its
# version row, with audit and ix_t_a on it, as the report says.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
proj=$FIXTURES/autocommit_partial

prod_at prod "$proj" r0001
hold t2 prod "holds t2" "SELECT count(*) FROM t2"
mg partial apply -C "$proj" --production-url "$(pg_url prod)" --lock-timeout 1s --retries 3
release t2
expect_rc partial 4
expect_json partial 'r["revisions"][0]["outcome"] == "failed" and r["revisions"][0]["attempts"] == 1'
expect_json partial 'r["revisions"][0]["needs_manual_attention"] and not r["revisions"][0]["single_transaction"]'
expect_json partial '[(s["sql"].split("(")[0].strip(), s["committed"]) for s in r["revisions"][0]["statements"]] == [("CREATE TABLE audit", True), ("CREATE INDEX CONCURRENTLY ix_t_a ON t", True)]'
expect_json partial '"55P03" in r["revisions"][0]["error"] and r["production"]["revision"] == ["r0001"]'
expect_json partial 'r["revisions"][0]["blockers"][0]["application_name"] == "holds t2"'
expect_err partial "error: revision 'r0002' failed after committing part of it:"
expect_err partial "hint: the statements marked [committed] stayed on production"
[ "$(grep -c "hit lock_timeout" "$OUT/partial.err" || true)" = 0 ] || fail "partial: the revision was retried"
[ "$(versions_of prod)" = r0001 ] || fail "partial: version rows '$(versions_of prod)'"
[ "$(pg_psql -At -d prod -c "SELECT to_regclass('audit') IS NOT NULL AND to_regclass('ix_t_a') IS NOT NULL")" = t ] ||
	fail "partial: the committed statements are not on production"
[ "$(pg_psql -At -d prod -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'b'")" = 0 ] ||
	fail "partial: the statement after the block ran"

# The text report marks each statement.
prod_at prod2 "$proj" r0001
hold t2b prod2 "holds t2" "SELECT count(*) FROM t2"
MG_TEXT=1 mg partial_text apply -C "$proj" --production-url "$(pg_url prod2)" --lock-timeout 1s --retries 3
release t2b
expect_rc partial_text 4
expect_out partial_text "[committed]"
expect_out partial_text "NEEDS MANUAL ATTENTION"
wait_quiet prod 10
wait_quiet prod2 10

apply_done "a partial autocommit_block is reported with its committed statements and not retried"
