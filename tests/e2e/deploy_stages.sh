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
CACHE=(--scratch-cache "$MIGRATE_GATE_BUILD/scratch-cache")
stages() { json_get "$1" '" ".join(s["name"] + ":" + s["status"] for s in r["stages"])'; }

# The whole deploy; the backup stage is skipped, loudly.
prod_at prod "$good" r0001
mg deploy deploy -C "$good" --production-url "$(pg_url prod)" "${CACHE[@]}" --skip-backup --fail-on never \
	--summary-md "$OUT/deploy.md"
expect_rc deploy 0
[ "$(stages deploy)" = "plan:passed check:passed backup:skipped apply:passed verify:passed" ] || fail "deploy: stages $(stages deploy)"
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
[ "$(stages check_fails)" = "plan:passed check:failed backup:not run apply:not run verify:not run" ] ||
	fail "check_fails: stages $(stages check_fails)"
expect_json check_fails 'any(f["rule"] == "downgrade-leaves-object" for f in r["findings"])'
[ "$(versions_of prod3)" = r0001 ] || fail "check_fails: something was applied"

# With the backup stage: an archive of production as it was, with the revisions about to be applied.
prod_at prod5 "$good" r0001
mg backed deploy -C "$good" --production-url "$(pg_url prod5)" "${CACHE[@]}" --fail-on never \
	--backup-dir "$WORK/backups"
expect_rc backed 0
[ "$(stages backed)" = "plan:passed check:passed backup:passed apply:passed verify:passed" ] || fail "backed: stages $(stages backed)"
archive=$(ls "$WORK/backups"/prod5-*-r0001.tar.zst 2>/dev/null | head -n 1)
[ -n "$archive" ] || fail "backed: no archive of prod5 at r0001 in $WORK/backups: $(ls "$WORK/backups" 2>&1)"
[ -z "$archive" ] || (cd "$WORK/backups" && sha256sum -c --quiet "$(basename "$archive").sha256") || fail "backed: sha256sum -c"
[ -z "$archive" ] || python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(0 if m["manifest"]["alembic"]["pending"] == ["r0002", "r0003"] else 1)' \
	"$archive.json" || fail "backed: the manifest does not list r0002, r0003 as pending"
detail=$(json_get backed '[s["detail"] for s in r["stages"] if s["name"] == "backup"][0]')
case "$detail" in "$archive"*) ;; *) fail "backed: the backup stage says '$detail', not the archive" ;; esac
[ "$(versions_of prod5)" = r0003 ] || fail "backed: production is at '$(versions_of prod5)'"
[ "$(json_get backed 'r["backup"]["path"] if r["backup"] and r["backup"]["passed"] else ""')" = "$archive" ] ||
	fail "backed: the JSON report's backup is not the archive (the action's backup-archive output reads it)"
expect_json deploy 'r["backup"] is None' # skipped

# The backup fails (no pg_dump where --pg-bindir points): nothing is applied, exit 3.
prod_at prod6 "$good" r0001
mkdir -p "$WORK/nobin"
mg nodump deploy -C "$good" --production-url "$(pg_url prod6)" --skip-check --pg-bindir "$WORK/nobin" \
	--backup-dir "$WORK/backups"
expect_rc nodump 3
[ "$(stages nodump)" = "plan:passed check:skipped backup:failed apply:not run verify:not run" ] || fail "nodump: stages $(stages nodump)"
expect_err nodump "pg_dump"
[ "$(versions_of prod6)" = r0001 ] || fail "nodump: something was applied"

# The apply fails after r0002 was applied: exit 4, production's revision, and the way back: the
# backup taken before, or the downgrades check proved.
prod_at prod4 "$late" r0001
hold adv prod4 "holds 424242" "SELECT pg_advisory_lock(424242)"
MG_TEXT=1 mg late deploy -C "$late" --production-url "$(pg_url prod4)" "${CACHE[@]}" --backup-dir "$WORK/backups" \
	--fail-on never --lock-timeout 1s --retries 1
release adv
expect_rc late 4
[ "$(head -n 1 "$OUT/late.out")" = "production is at r0002 (was r0001)" ] || fail "late: first line '$(head -n 1 "$OUT/late.out")'"
expect_out late "rollback: restore the backup taken before the apply: migrate-gate restore '$WORK/backups/prod4-"
expect_out late "; or go back with: alembic downgrade r0001 (check proved these downgrades)"
expect_out late "r0003  additive  failed, retried 1 time"
expect_err late "error: revision 'r0003' failed after retries"
grep -q "^  apply   failed" "$OUT/late.out" || fail "late: the apply stage is not shown as failed"
[ "$(versions_of prod4)" = r0002 ] || fail "late: production is at '$(versions_of prod4)'"
wait_quiet prod4 10

apply_done "deploy stages"
