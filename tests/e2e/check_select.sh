#!/usr/bin/env bash
# Which revisions migrate-gate check replays: --since, --production-url (a real database that
# alembic brought to r0002), an unknown alembic_version row, --base-ref in a git checkout, and
# several heads.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
check_pg_start
good=$FIXTURES/good
alembic_to() { # alembic_to DB REV: the real alembic CLI, in its own interpreter, against DB
	(cd "$good" && DATABASE_URI=$(pg_url "$1") /usr/bin/python3 -m alembic -c alembic.ini upgrade "$2" >/dev/null 2>&1)
}
replayed() { sed -n 's|^replay [0-9]*/[0-9]* \(r[0-9]*\) .*|\1|p' "$CHECK_WORK/$1.err" | tr '\n' ' '; }
revisions() { python3 -c 'import json, sys; print(" ".join(sorted({f["revision"] for f in json.load(open(sys.argv[1]))["findings"]})))' "$CHECK_WORK/$1.json"; }

# --since: only what comes after, on a baseline upgraded to it.
use_scratch_cache
mg_check since -C "$good" --since r0002
expect_rc since 0
[ "$(replayed since)" = "r0003 " ] || fail "since: replayed '$(replayed since)', expected r0003 only"
[ "$(revisions since)" = r0003 ] || fail "since: findings of '$(revisions since)'"
expect_err since "baseline: upgrade to r0002"
expect_clean since
mg_check since_head -C "$good" --since r0003
expect_rc since_head 0
expect_err since_head "no new revisions"
expect_findings since_head all </dev/null
expect_clean since_head
mg_check since_unknown -C "$good" --since r9999
expect_bad_input since_unknown 2 "r9999"

# --production-url: a database alembic itself brought to r0002. Only r0003 is new, and
# production is only read.
pg_createdb prod
alembic_to prod r0002
[ "$(pg_psql -At -d prod -c 'SELECT version_num FROM alembic_version')" = r0002 ] || fail "alembic did not stamp prod"
mg_check prod -C "$good" --production-url "$(pg_url prod)"
expect_rc prod 0
[ "$(replayed prod)" = "r0003 " ] || fail "prod: replayed '$(replayed prod)', expected r0003 only"
[ "$(revisions prod)" = r0003 ] || fail "prod: findings of '$(revisions prod)'"
expect_err prod "production is at r0002"
[ "$(pg_psql -At -d prod -c 'SELECT version_num FROM alembic_version')" = r0002 ] || fail "prod: alembic_version changed"
[ "$(pg_psql -At -d prod -c "SELECT to_regclass('posts') IS NULL")" = t ] || fail "prod: r0003 ran on production"
expect_clean prod

# DATABASE_URI is the production URL too.
CHECK_ENV="DATABASE_URI=$(pg_url prod)" mg_check prod_env -C "$good"
expect_rc prod_env 0
[ "$(replayed prod_env)" = "r0003 " ] || fail "prod_env: replayed '$(replayed prod_env)', expected r0003 only"
expect_clean prod_env

# Production at head: nothing to do, and no scratch server is even started.
pg_createdb prod_head
alembic_to prod_head r0003
mg_check prod_head -C "$good" --production-url "$(pg_url prod_head)"
expect_rc prod_head 0
expect_err prod_head "no new revisions"
expect_clean prod_head

# An empty production database: every revision is new. Its tables do not exist on production yet,
# so size-aware severity (docs/apply.md) makes the index build an info: exit 0.
pg_createdb prod_empty
mg_check prod_empty -C "$good" --production-url "$(pg_url prod_empty)"
expect_rc prod_empty 0
[ "$(replayed prod_empty)" = "r0001 r0002 r0003 " ] || fail "prod_empty: replayed '$(replayed prod_empty)'"
expect_clean prod_empty

# A row this project does not know: exit 2 naming it.
pg_createdb prod_unknown
pg_psql -d prod_unknown -c "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('deadbeef42')"
mg_check prod_unknown -C "$good" --production-url "$(pg_url prod_unknown)"
expect_bad_input prod_unknown 2 "deadbeef42"

# --base-ref: a git checkout where r0003 was added in the last commit. Run from elsewhere with -C
# as well as from inside the checkout.
repo=$CHECK_WORK/repo
mkdir -p "$repo"
cp -r "$good" "$repo/db"
git -C "$repo" init -q
git -C "$repo" -c user.email=t@example.com -c user.name=t add db
git -C "$repo" rm -q --cached db/versions/r0003.py
git -C "$repo" -c user.email=t@example.com -c user.name=t commit -q -m base
git -C "$repo" tag base
git -C "$repo" add db/versions/r0003.py
git -C "$repo" -c user.email=t@example.com -c user.name=t commit -q -m "add r0003"
chmod -R a+rX "$repo"
CHECK_CWD=$repo/db mg_check base_ref --base-ref base
expect_rc base_ref 0
[ "$(replayed base_ref)" = "r0003 " ] || fail "base_ref: replayed '$(replayed base_ref)', expected r0003 only"
expect_clean base_ref
CHECK_CWD=$CHECK_WORK mg_check base_ref_c -C "$repo/db" --base-ref base
expect_rc base_ref_c 0
[ "$(replayed base_ref_c)" = "r0003 " ] || fail "base_ref_c: replayed '$(replayed base_ref_c)', expected r0003 only"
expect_clean base_ref_c
CHECK_CWD=$repo/db mg_check base_ref_head --base-ref HEAD
expect_rc base_ref_head 0
expect_err base_ref_head "no new revisions"
expect_clean base_ref_head
CHECK_CWD=$repo/db mg_check base_ref_bad --base-ref no-such-ref
expect_bad_input base_ref_bad 2 "no-such-ref"
CHECK_CWD=$repo/db mg_check base_ref_inject --base-ref '--output=/tmp/x'
expect_bad_input base_ref_inject 2 "invalid --base-ref"

# A revision file not yet committed (nor staged) is new too: a local run must not pass it unseen.
sed -e 's/r0003/r0004/g' -e "s/down_revision = 'r0002'/down_revision = 'r0003'/" -e 's/posts/notes/g' \
	"$repo/db/versions/r0003.py" >"$repo/db/versions/r0004.py"
CHECK_CWD=$repo/db mg_check base_ref_untracked --base-ref HEAD
expect_rc base_ref_untracked 0
[ "$(replayed base_ref_untracked)" = "r0004 " ] || fail "base_ref_untracked: replayed '$(replayed base_ref_untracked)', expected r0004"
expect_clean base_ref_untracked
rm "$repo/db/versions/r0004.py"

# Several heads: exit 2 whatever the selection, unless --heads.
mg_check heads_since -C "$FIXTURES/merge_branches" --since r0004
expect_bad_input heads_since 2 "2 heads"
mg_check heads_ok -C "$FIXTURES/merge_branches" --since r0004 --heads
expect_rc heads_ok 1
# The new revisions are those production at r0004 would lack: r0005 and r0101, its depends_on.
[ "$(replayed heads_ok)" = "r0101 r0005 " ] || fail "heads_ok: replayed '$(replayed heads_ok)', expected r0101 r0005"
expect_findings heads_ok replay </dev/null
expect_clean heads_ok

check_done "revision selection"
