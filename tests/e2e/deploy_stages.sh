#!/usr/bin/env bash
# deploy = plan -> check -> backup -> apply against a real "production": every stage in the
# report with its status and duration; --skip-check and --skip-backup said in every format;
# a failing check stops before anything is applied (exit 1); nothing to apply exits 0 quickly
# without running the other stages; a failed apply exits 4 with a rollback hint that offers
# `alembic downgrade` once check proved the downgrades.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good
late=$FIXTURES/apply_fails_late
CACHE=(--scratch-cache "$WORK/cache")
stages() { json_get "$1" '" ".join(s["name"] + ":" + s["status"] for s in r["stages"])'; }

# The whole deploy; the backup stage is skipped, loudly.
prod_at prod "$good" r0001
mg deploy deploy -C "$good" --production-url "$(pg_url prod)" "${CACHE[@]}" --skip-backup --fail-on never \
	--summary-md "$OUT/deploy.md"
expect_rc deploy 0
[ "$(stages deploy)" = "plan:passed check:passed backup:skipped apply:passed" ] || fail "deploy: stages $(stages deploy)"
expect_json deploy 'r["passed"] and r["production"]["revision"] == ["r0003"] and all(s["duration_ms"] >= 0 for s in r["stages"])'
expect_json deploy '"--skip-backup: production was NOT backed up before the apply" in r["notes"]'
expect_json deploy 'any(f["rule"] == "create-index-non-concurrent" for f in r["findings"])' # check's findings
expect_err deploy "backup was skipped (--skip-backup)"
[ "$(versions_of prod)" = r0003 ] || fail "deploy: production is at '$(versions_of prod)'"
# The Markdown summary: the revisions with their deploy mode, the apply's outcome, the skipped backup.
for want in "additive" "2 of 2 revision(s) applied; production is at r0003 (was r0001)" "--skip-backup: production was NOT backed up"; do
	grep -qF -- "$want" "$OUT/deploy.md" || fail "deploy: the Markdown summary lacks: $want"
done

# Nothing to apply: exit 0 at once, no check, no backup.
MG_TEXT=1 mg nothing deploy -C "$good" --production-url "$(pg_url prod)" "${CACHE[@]}"
expect_rc nothing 0
expect_out nothing "nothing to apply: production is at the project's head"
[ "$(head -n 1 "$OUT/nothing.out")" = "production is at r0003" ] || fail "nothing: first line '$(head -n 1 "$OUT/nothing.out")'"
grep -q "check   not run" "$OUT/nothing.out" || fail "nothing: the check stage ran"
grep -q "backup  not run" "$OUT/nothing.out" || fail "nothing: the backup stage ran"

# Both skips, in the text report too.
prod_at prod2 "$good" r0001
MG_TEXT=1 mg skips deploy -C "$good" --production-url "$(pg_url prod2)" --skip-check --skip-backup
expect_rc skips 0
expect_out skips "note: --skip-check: the new revisions were NOT replayed on a scratch database"
expect_out skips "note: --skip-backup: production was NOT backed up before the apply"
grep -q "^  check   skipped" "$OUT/skips.out" || fail "skips: the check stage is not shown as skipped"

# A failing check (a downgrade that leaves an index behind) stops the deploy: nothing is applied.
leaves=$FIXTURES/downgrade_leaves_index
prod_at prod3 "$leaves" r0001
mg check_fails deploy -C "$leaves" --production-url "$(pg_url prod3)" "${CACHE[@]}" --skip-backup
expect_rc check_fails 1
[ "$(stages check_fails)" = "plan:passed check:failed backup:not run apply:not run" ] ||
	fail "check_fails: stages $(stages check_fails)"
expect_json check_fails 'any(f["rule"] == "downgrade-leaves-object" for f in r["findings"])'
[ "$(versions_of prod3)" = r0001 ] || fail "check_fails: something was applied"

# The apply fails after r0002 was applied: exit 4, production's revision, and the way back.
prod_at prod4 "$late" r0001
hold adv prod4 "holds 424242" "SELECT pg_advisory_lock(424242)"
MG_TEXT=1 mg late deploy -C "$late" --production-url "$(pg_url prod4)" "${CACHE[@]}" --skip-backup \
	--fail-on never --lock-timeout 1s --retries 1
release adv
expect_rc late 4
[ "$(head -n 1 "$OUT/late.out")" = "production is at r0002 (was r0001)" ] || fail "late: first line '$(head -n 1 "$OUT/late.out")'"
expect_out late "rollback: go back with: alembic downgrade r0001 (check proved these downgrades)"
expect_out late "r0003  additive  failed, retried 1 time"
expect_err late "error: revision 'r0003' failed after retries"
grep -q "^  apply   failed" "$OUT/late.out" || fail "late: the apply stage is not shown as failed"
[ "$(versions_of prod4)" = r0002 ] || fail "late: production is at '$(versions_of prod4)'"
wait_quiet prod4 10

apply_done "deploy stages"
