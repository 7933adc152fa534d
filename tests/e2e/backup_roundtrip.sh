#!/usr/bin/env bash
# migrate-gate backup and restore round trip on the example project with data (examples/atol at
# revision 0002 plus examples/atol/seed.sql), at each archive format: the archive and its
# sidecars, the manifest, --verify, retention, and a restore into a fresh database whose schema
# (pg_dump --schema-only) and row counts equal production's. Then status reads it all back.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
bk_start
ATOL=$MIGRATE_GATE_SRC/examples/atol
pg_createdb atol
(cd "$ATOL" && DATABASE_URI=$(pg_url atol) /usr/bin/python3 -m alembic -c alembic.ini upgrade 0002 >/dev/null 2>&1) ||
	fail "alembic upgrade 0002 of the example"
pg_psql -d atol -f "$ATOL/seed.sql" >/dev/null
DIR=$BK_WORK/backups
mkdir -p "$DIR"
# An old archive of another database and an old one of atol: retention may only touch atol's.
touch "$DIR/other-20200101T000000Z-x.tar.zst" "$DIR/atol-20200101T000000Z-0001.tar.zst"

# pg_dump's \restrict lines carry a random key each run.
schema() { "$PG_BINDIR/pg_dump" --schema-only --no-owner -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict'; }
counts() {
	pg_psql -d "$1" -At -c "SELECT 'species', count(*) FROM species" -c "SELECT 'sample', count(*) FROM sample" \
		-c "SELECT 'assembly', count(*) FROM assembly" -c "SELECT 'genome_note', count(*) FROM genome_note" \
		-c "SELECT string_agg(version_num, ',') FROM alembic_version"
}
schema atol >"$OUT/schema-production.sql"
counts atol >"$OUT/counts-production.txt"

n=0
for fmt in tar.zst tar.gz zip; do
	n=$((n + 1))
	extra=()
	[ "$fmt" = tar.zst ] && extra=(--verify)
	mg "backup-$fmt" backup --production-url "$(bk_url atol)" --backup-dir "$DIR" --archive-format "$fmt" \
		--pg-bindir "$BK_BIN" --pending 0003,0004 --keep 2 --format json ${extra[@]+"${extra[@]}"}
	expect_rc "backup-$fmt" 0
	archive=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["archive"])' "$OUT/backup-$fmt.out")
	name=$(basename "$archive")
	[[ "$name" =~ ^atol-[0-9]{8}T[0-9]{6}Z-0002\.${fmt//./\\.}$ ]] || fail "$fmt: archive name '$name'"
	[ "$(stat -c %a "$archive")" = 600 ] || fail "$fmt: archive mode $(stat -c %a "$archive"), not 600"
	(cd "$DIR" && sha256sum -c --quiet "$name.sha256") || fail "$fmt: sha256sum -c $name.sha256"
	[ -f "$archive.json" ] || fail "$fmt: no $name.json"
	expect_json "backup-$fmt" 'r["passed"] and r["manifest"]["database"]["database"] == "atol"'
	expect_json "backup-$fmt" 'r["manifest"]["alembic"]["revisions"] == ["0002"] and r["manifest"]["alembic"]["pending"] == ["0003", "0004"]'
	expect_json "backup-$fmt" 'r["manifest"]["database"]["server_version"].startswith("15") and r["manifest"]["dump"]["pg_dump_version"].startswith("15")'
	expect_json "backup-$fmt" '{t["name"]: t["rows"] for t in r["manifest"]["tables"]}["sample"] == 2000'
	expect_json "backup-$fmt" 'r["manifest"]["database"]["bytes"] > 0 and all(t["bytes"] > 0 for t in r["manifest"]["tables"])'
	expect_json "backup-$fmt" 'len(r["manifest"]["dump"]["sha256"]) == 64 and r["manifest"]["dump"]["bytes"] > 0'
	expect_json "backup-$fmt" '"password" not in json.dumps(r) and "gate:" not in json.dumps(r)'
	# The archive holds the dump's parts and the manifest; the parts are the pg_dump -Fc file.
	mkdir -p "$BK_WORK/x-$fmt"
	if [ "$fmt" = zip ]; then
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$BK_WORK/x-$fmt"
	else
		tar -xf "$archive" -C "$BK_WORK/x-$fmt"
	fi
	[ "$(cd "$BK_WORK/x-$fmt" && ls)" = "$(printf 'dump.000001\nmanifest.json')" ] || fail "$fmt: entries $(ls "$BK_WORK/x-$fmt")"
	cat "$BK_WORK/x-$fmt"/dump.* >"$BK_WORK/x-$fmt.dump"
	"$PG_BINDIR/pg_restore" -l "$BK_WORK/x-$fmt.dump" >/dev/null || fail "$fmt: the parts are not a pg_dump archive"
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(0 if m["kind"]=="migrate-gate-backup" else 1)' \
		"$BK_WORK/x-$fmt/manifest.json" || fail "$fmt: manifest.json"

	# Restore into a fresh database: same schema, same rows.
	pg_createdb "copy$n"
	mg "restore-$fmt" restore --target-url "$(bk_url "copy$n")" --yes --pg-bindir "$BK_BIN" "$archive"
	expect_rc "restore-$fmt" 0
	expect_out "restore-$fmt" "revision  0002 (as in the archive)"
	expect_err "restore-$fmt" "database  atol on"
	schema "copy$n" >"$OUT/schema-copy$n.sql"
	counts "copy$n" >"$OUT/counts-copy$n.txt"
	diff "$OUT/schema-production.sql" "$OUT/schema-copy$n.sql" >/dev/null || fail "$fmt: the restored schema differs"
	diff "$OUT/counts-production.txt" "$OUT/counts-copy$n.txt" >/dev/null || fail "$fmt: the restored rows differ"
	sleep 1 # one archive per second: names carry the time to the second
done

# --verify ran on the first one: restored into scratch, schema and rows compared.
expect_json backup-tar.zst 'r["verification"]["state"] == "passed" and r["verification"]["problems"] == []'
expect_json backup-tar.gz 'r["verification"]["state"] == "skipped"'
# --keep 2: the old atol archive and the first of the three are gone, the other database's stays.
left=$(archives "$DIR" | tr '\n' ' ')
[ "$(archives "$DIR" | grep -c '^atol-')" = 2 ] || fail "keep 2: atol archives left: $left"
archives "$DIR" | grep -q '^other-20200101T000000Z-x.tar.zst$' || fail "keep 2 removed another database's archive"
[ ! -e "$DIR/atol-20200101T000000Z-0001.tar.zst" ] || fail "keep 2 kept the oldest"
expect_json backup-zip 'len(r["pruned"]) == 1 and r["pruned"][0].endswith(".tar.gz") is False'

# Restore refuses without --yes when nobody can type the name.
mg restore-unconfirmed restore --target-url "$(bk_url copy1)" --replace-other --pg-bindir "$BK_BIN" "$archive"
expect_one_error restore-unconfirmed 2 "needs a confirmation"
# --production-url names another database than the archive's.
mg restore-wrong-db restore --production-url "$(bk_url prod)" --yes --pg-bindir "$BK_BIN" "$archive"
expect_one_error restore-wrong-db 2 "names database 'prod' but the archive is of 'atol'"

# status: revision, heads, pending with titles, tables touched, backups with verification state.
mg status status --production-url "$(bk_url atol)" -C "$ATOL" --backup-dir "$DIR" --format json
expect_rc status 0
expect_json status 'r["revisions"] == ["0002"] and r["revisions_at_head"] == [] and r["heads"] == ["0006"]'
expect_json status '[p["revision"] for p in r["pending"]] == ["0003", "0004", "0005", "0006"] and r["pending"][0]["title"]'
expect_json status 'r["tables_touched"][0]["name"] in ("sample", "assembly") and r["database_bytes"] > 0'
expect_json status 'any(b["name"].startswith("atol-") and b["verification"] in ("passed", "skipped") for b in r["backups"])'
mg status-text status --production-url "$(bk_url atol)" -C "$ATOL" --backup-dir "$DIR"
expect_rc status-text 0
expect_out status-text "revision    0002 (not a head)"
expect_out status-text "pending     4 revision(s)"
expect_out status-text "verification"
bk_done "backup and restore round trip at tar.zst, tar.gz and zip; --verify, --keep, status"
