#!/usr/bin/env bash
# backup --verify that finds a difference (production has an INVALID index, which pg_dump leaves
# out): exit 1, says what differed, keeps the archive as .failed and prunes nothing; status shows
# it. Then restore refuses damaged, truncated, foreign and mismatched archives with exit 2, one
# error, and the target untouched.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
bk_start
DIR=$BK_WORK/backups
OLD=prod-20200101T000000Z-r0001.tar.zst
mkdir -p "$DIR"
touch "$DIR/$OLD"

# A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an INVALID index behind.
pg_psql -d prod -c "INSERT INTO note (account_id, body) VALUES (1, 'dup'), (2, 'dup')" >/dev/null
pg_psql -d prod -c "CREATE UNIQUE INDEX CONCURRENTLY ix_note_body ON note (body)" >/dev/null 2>&1 &&
	fail "the unique index was built"
mg invalid backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --keep 1 --verify --pg-bindir "$BK_BIN"
expect_one_error invalid 1 "failed verification: schema: index \"ix_note_body\" on \"note\" is missing after the restore"
expect_out invalid "verified  failed"
expect_err invalid "is kept as"
[ -z "$(archives "$DIR" | grep -v "^$OLD$")" ] || fail "invalid: a complete-looking archive: $(archives "$DIR")"
[ -e "$DIR/$OLD" ] || fail "invalid: the old archive was pruned"
failed=$(ls "$DIR" | grep '\.tar\.zst\.failed$')
mg status status --production-url "$(bk_url prod)" -C "$MIGRATE_GATE_SRC/tests/fixtures/alembic/good" --backup-dir "$DIR" \
	--format json
expect_rc status 0
expect_json status "any(b['name'] == '$failed' and b['state'] == 'failed' and b['verification'] == 'failed' for b in r['backups'])"
expect_json status "r['revisions'] == ['r0002'] and [p['revision'] for p in r['pending']] == ['r0003']"
pg_psql -d prod -c "DROP INDEX ix_note_body" >/dev/null

# A good archive to damage.
mg good backup --production-url "$(bk_url prod)" --backup-dir "$DIR" --pg-bindir "$BK_BIN" --format json
expect_rc good 0
good=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["archive"])' "$OUT/good.out")
pg_createdb target
pg_psql -d target -c "CREATE TABLE marker (x int); INSERT INTO marker VALUES (42)" >/dev/null
untouched() { # untouched NAME: target still holds only the marker table
	[ "$(pg_psql -d target -At -c "SELECT string_agg(relname, ',') FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")" = marker ] ||
		fail "$1: the target was changed"
}
bad() { # bad NAME FILE TEXT: restore of FILE is refused with TEXT
	mg "$1" restore --target-url "$(bk_url target)" --yes --pg-bindir "$BK_BIN" "$2"
	expect_one_error "$1" 2 "$3"
	untouched "$1"
}
size=$(stat -c %s "$good")
cp "$good" "$BK_WORK/corrupt.tar.zst"
printf 'XXXXXXXXXXXXXXXX' | dd of="$BK_WORK/corrupt.tar.zst" bs=1 seek=$((size / 2)) conv=notrunc status=none
bad corrupt "$BK_WORK/corrupt.tar.zst" "is not a readable migrate-gate backup"
head -c $((size / 2)) "$good" >"$BK_WORK/truncated.tar.zst"
bad truncated "$BK_WORK/truncated.tar.zst" "is not a readable migrate-gate backup"
(cd "$BK_WORK" && echo hello >hello.txt && tar --zstd -cf foreign.tar.zst hello.txt)
bad foreign "$BK_WORK/foreign.tar.zst" "it has no manifest.json"
echo "not an archive" >"$BK_WORK/text.tar.zst"
bad text "$BK_WORK/text.tar.zst" "is not a readable migrate-gate backup"
cp "$good" "$BK_WORK/mismatch.tar.zst"
echo "0000000000000000000000000000000000000000000000000000000000000000  mismatch.tar.zst" >"$BK_WORK/mismatch.tar.zst.sha256"
bad mismatch "$BK_WORK/mismatch.tar.zst" "does not match its sha256"
bad missing "$BK_WORK/nothing.tar.zst" "cannot open the archive"

# The good one restores.
mg restore restore --target-url "$(bk_url target)" --yes --replace-other --pg-bindir "$BK_BIN" "$good"
expect_rc restore 0
[ "$(pg_psql -d target -At -c 'SELECT count(*) FROM account')" = 20000 ] || fail "restore: rows missing"
# Production's password given as PGPASSWORD reaches pg_dump, not the pg_restore of --verify into the
# scratch cluster (issue 15, item 18).
: >"$OUT/tool-argv.log"
BK_ENV="PGPASSWORD=$BK_PW" mg pgpassword backup --production-url "postgresql://gate@/prod?host=$PG_DIR&port=$PGPORT" \
	--backup-dir "$DIR" --verify --pg-bindir "$BK_BIN"
expect_rc pgpassword 0
python3 - "$OUT/tool-argv.log" <<'PY' || fail "pgpassword: $(cat "$OUT/tool-argv.log")"
import sys
tool, env = None, {}
for line in open(sys.argv[1]):
    if "/" in line.split(" ")[0]:
        tool = line.split(" ")[0].rsplit("/", 1)[1]
        env.setdefault(tool, set())
    elif tool:
        env[tool].add(line.strip())
sys.exit(0 if "PGPASSWORD=(set)" in env["pg_dump"] and "PGPASSWORD=(set)" not in env["pg_restore"] else 1)
PY
bk_done "verification failure and damaged archives; no PGPASSWORD for the scratch's pg_restore"
