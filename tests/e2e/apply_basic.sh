#!/usr/bin/env bash
# plan and apply against a real "production" database that the alembic CLI brought to an older
# revision: plan's deploy modes, tables and size-aware severity; apply's outcomes, version rows,
# text report's first line; nothing to apply; the lock held by someone else (holder named, exit 4);
# production moving while apply waits (exit 4 with both revisions, or 0 when it reached the head);
# a missing production URL (exit 2). The URL carries a password (trust auth ignores it) that no
# output may show.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start
good=$FIXTURES/good
breaking=$FIXTURES/breaking_change
PW=apply-basic-Pw-5521
purl() { pg_url "$1" | sed "s|postgresql://postgres@|postgresql://postgres:$PW@|"; }

# No production: a usage error for each command.
for cmd in plan apply deploy; do
	mg "no_url_$cmd" "$cmd" -C "$good"
	expect_rc "no_url_$cmd" 2
	expect_err "no_url_$cmd" "'$cmd' needs production's URL"
done

# plan: r0002 and r0003 to apply, additive, with users' size; the index build on a 1000-row
# table is demoted to info, and keeps its level with --small-table-bytes 0.
prod_at prod "$good" r0001
pg_psql -d prod -c "INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 1000) g; ANALYZE users"
mg plan plan -C "$good" --production-url "$(purl prod)"
expect_rc plan 0
expect_json plan 'r["production"]["revision"] == ["r0001"] and [v["id"] for v in r["revisions"]] == ["r0002", "r0003"]'
expect_json plan '[v["mode"] for v in r["revisions"]] == ["additive", "additive"]'
expect_json plan 'r["revisions"][0]["title"] == "add users.email with an index"'
expect_json plan 'r["revisions"][0]["tables"][0]["name"] == "users" and r["revisions"][0]["tables"][0]["rows"] == 1000 and r["revisions"][0]["tables"][0]["bytes"] > 8192'
expect_json plan '[(f["severity"], f["table_rows"]) for f in r["findings"] if f["rule"] == "create-index-non-concurrent"] == [("info", 1000)]'
expect_json plan 'all(f["severity"] != "info" for f in r["findings"][:3])' # ranked: most impact first
# apply's own lock_timeout (5 s by default) bounds the lock waits: no require-lock-timeout finding;
# a lock_timeout of 30 s is named in it.
expect_json plan 'not [f for f in r["findings"] if f["rule"] == "require-lock-timeout"]'
mg plan_big plan -C "$good" --production-url "$(purl prod)" --small-table-bytes 0 --lock-timeout 30s
expect_json plan_big '[f["severity"] for f in r["findings"] if f["rule"] == "create-index-non-concurrent"] == ["error"]'
expect_json plan_big '"ACCESS EXCLUSIVE lock on \"users\" under apply'"'"'s lock_timeout of 30 s only" in [f["message"] for f in r["findings"] if f["rule"] == "require-lock-timeout"][0]'
[ "$(versions_of prod)" = r0001 ] || fail "plan wrote to production"
MG_TEXT=1 mg plan_text plan -C "$good" --production-url "$(purl prod)"
[ "$(head -n 1 "$OUT/plan_text.out")" = "production is at r0001" ] || fail "plan_text: first line is '$(head -n 1 "$OUT/plan_text.out")'"
expect_out plan_text "users (ACCESS EXCLUSIVE; ~1000 rows"

# Breaking revisions: every reason, and --require-zero-downtime fails plan and deploy (before anything runs).
prod_at brk "$breaking" r0001
mg plan_brk plan -C "$breaking" --production-url "$(purl brk)"
expect_rc plan_brk 0
expect_json plan_brk '[v["mode"] for v in r["revisions"]] == ["breaking", "additive"]'
expect_json plan_brk 'r["revisions"][0]["reasons"] == ["drops column \"name\" of \"users\"", "sets NOT NULL on existing column \"email\" of \"users\"", "drops the default of column \"plan\" of \"users\", which the old code'"'"'s inserts may rely on", "adds a CHECK constraint \"ck_users_plan\" to \"users\" that the old code'"'"'s writes may violate"]'
mg plan_zero plan -C "$breaking" --production-url "$(purl brk)" --require-zero-downtime
expect_rc plan_zero 1
expect_json plan_zero 'not r["passed"] and "r0002 is breaking" in r["warnings"][0]'
mg deploy_zero deploy -C "$breaking" --production-url "$(purl brk)" --require-zero-downtime --skip-backup
expect_rc deploy_zero 1
expect_json deploy_zero '[(s["name"], s["status"]) for s in r["stages"]] == [("plan", "failed"), ("check", "not run"), ("backup", "not run"), ("apply", "not run"), ("verify", "not run")]'
[ "$(versions_of brk)" = r0001 ] || fail "deploy_zero applied something"
# check too: a breaking-revision finding; and production's sizes demote the scan of a small table.
mg check_zero check -C "$breaking" --production-url "$(purl brk)" --require-zero-downtime --scratch-cache "$MIGRATE_GATE_BUILD/scratch-cache"
expect_rc check_zero 1
expect_json check_zero '[(f["rule"], f["revision"], f["severity"]) for f in r["findings"] if f["rule"] == "breaking-revision"] == [("breaking-revision", "r0002", "error")]'
expect_json check_zero '[(f["severity"], f["table"], f["table_rows"]) for f in r["findings"] if f["rule"] == "set-not-null"] == [("info", "users", -1)]'

# apply: both revisions, verified; the report's first line is production as it is now.
MG_TEXT=1 mg apply_text apply -C "$good" --production-url "$(purl prod)"
expect_rc apply_text 0
[ "$(head -n 1 "$OUT/apply_text.out")" = "production is at r0003 (was r0001)" ] ||
	fail "apply_text: first line is '$(head -n 1 "$OUT/apply_text.out")'"
expect_out apply_text "r0002  applied in"
[ "$(versions_of prod)" = r0003 ] || fail "apply: production is at '$(versions_of prod)'"
[ "$(pg_psql -At -d prod -c "SELECT count(*) FROM users")" = 1000 ] || fail "apply: rows lost"
wait_quiet prod 10

# The same with JSON, on a fresh database: outcomes, attempts, schema changes.
prod_at prod2 "$good" r0001
mg apply apply -C "$good" --production-url "$(purl prod2)"
expect_rc apply 0
expect_json apply 'r["passed"] and r["production"]["revision"] == ["r0003"] and r["production"]["before"] == ["r0001"]'
expect_json apply '[(v["id"], v["outcome"], v["attempts"]) for v in r["revisions"]] == [("r0002", "applied", 1), ("r0003", "applied", 1)]'
expect_json apply 'any("ix_users_email" in c for c in r["revisions"][0]["schema_changes"])'
expect_json apply 'any("posts" in c for c in r["revisions"][1]["schema_changes"])'
mg again apply -C "$good" --production-url "$(purl prod2)"
expect_rc again 0
expect_json again 'r["passed"] and r["revisions"] == [] and r["production"]["revision"] == ["r0003"]'
expect_err again "nothing to apply"

# The lock held by another session: apply waits --lock-wait, then exits 4 naming the holder.
prod_at prod3 "$good" r0001
key=$(lock_key prod3 '%(here)s')
hold lock prod3 "other deploy" "SELECT pg_advisory_lock($key)"
mg lock_wait apply -C "$good" --production-url "$(purl prod3)" --lock-wait 1
expect_rc lock_wait 4
expect_err lock_wait "the deploy lock of database 'prod3' is still held after 1 s by pid $(cat "$WORK/lock.pid") (application_name 'other deploy', client local socket, connected since"
expect_json lock_wait 'not r["passed"] and [v["outcome"] for v in r["revisions"]] == ["not attempted", "not attempted"]'
[ "$(versions_of prod3)" = r0001 ] || fail "lock_wait: applied without the lock"

# Production moves while apply waits for the lock: to r0002 (not where the plan saw it): exit 4
# with both; to the head: nothing left to do, exit 0.
mg moved_bg apply -C "$good" --production-url "$(purl prod3)" --lock-wait 60 &
bg=$!
for i in $(seq 1 200); do grep -q "waiting up to" "$OUT/moved_bg.err" 2>/dev/null && break; sleep 0.1; done
(cd "$good" && DATABASE_URI=$(pg_url prod3) /usr/bin/python3 -m alembic -c alembic.ini upgrade r0002) >/dev/null 2>&1
release lock
wait "$bg" || true
rc_of moved_bg
expect_rc moved_bg 4
expect_err moved_bg "production's alembic_version changed since the plan: it was r0001, it is r0002; nothing was applied"
[ "$(versions_of prod3)" = r0002 ] || fail "moved_bg: production is at '$(versions_of prod3)'"

hold lock prod3 "other deploy" "SELECT pg_advisory_lock($key)"
mg head_bg apply -C "$good" --production-url "$(purl prod3)" --lock-wait 60 &
bg=$!
for i in $(seq 1 200); do grep -q "waiting up to" "$OUT/head_bg.err" 2>/dev/null && break; sleep 0.1; done
(cd "$good" && DATABASE_URI=$(pg_url prod3) /usr/bin/python3 -m alembic -c alembic.ini upgrade head) >/dev/null 2>&1
release lock
wait "$bg" || true
rc_of head_bg
expect_rc head_bg 0
expect_err head_bg "nothing is left to apply"
expect_json head_bg 'r["passed"] and "another deploy applied every revision while this one waited" in r["notes"]'
wait_quiet prod3 10

apply_done "plan and apply"
