#!/usr/bin/env bash
# The way back after a deploy (issue 15, item 4): production at the example's 0005 with rows,
# `deploy` of 0006 (a new table with a foreign key to genome_note) with its backup, then `restore`
# of that backup with --terminate while an application polls a table: production's schema and
# rows are the pre-deploy ones, the replaced database is kept under its dated name and the report
# names what only it has (the 0006 table), and the poller missed its table only during the swap.
# Then what restore refuses before anything changes: a database other sessions keep (without
# --terminate: it waits within --lock-wait and names them), a non-empty database the archive is
# not of, a role that may not swap.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/backup.sh"
bk_start
ATOL=$MIGRATE_GATE_SRC/examples/atol
DIR=$BK_WORK/backups
pg_createdb atol
(cd "$ATOL" && DATABASE_URI=$(pg_url atol) /usr/bin/python3 -m alembic -c alembic.ini upgrade 0005 >/dev/null 2>&1) ||
	fail "alembic upgrade 0005 of the example"
# seed.sql is written for 0002; 0003's NOT NULL lab_status needs a value for it.
pg_psql -d atol -c "ALTER TABLE sample ALTER lab_status SET DEFAULT 'received'" -f "$ATOL/seed.sql" \
	-c "ALTER TABLE sample ALTER lab_status DROP DEFAULT" \
	-c "INSERT INTO busco_score (assembly_id, complete_pct) SELECT i, 90 FROM generate_series(1, 300) i" >/dev/null

schema() { "$PG_BINDIR/pg_dump" --schema-only -d "$1" | grep -v -e '^--' -e '^$' -e '^\\restrict' -e '^\\unrestrict'; }
counts() {
	local t
	for t in species sample assembly genome_note busco_score; do
		pg_psql -d "$1" -At -c "SELECT '$t', count(*) FROM $t"
	done
	pg_psql -d "$1" -At -c "SELECT string_agg(version_num, ',') FROM alembic_version"
}
schema atol >"$OUT/schema-before.sql"
counts atol >"$OUT/counts-before.txt"

# deploy 0006, with its backup; then the application writes to the new table.
mg deploy deploy -C "$ATOL" --production-url "$(bk_url atol)" --skip-check --backup-dir "$DIR" \
	--pg-bindir "$BK_BIN" --format json
expect_rc deploy 0
[ "$(pg_psql -d atol -At -c 'SELECT version_num FROM alembic_version')" = 0006 ] || fail "deploy did not reach 0006"
pg_psql -d atol -c "INSERT INTO genome_note_reviewer (genome_note_id, reviewer) VALUES (1, 'ann'), (2, 'bob')" >/dev/null
archive=$(ls "$DIR"/atol-*-0005.tar.zst)

# The application: a session that SELECTs from sample in a loop, reconnecting when it must.
cat >"$BK_WORK/poller.py" <<'PY'
import os, sys, time, psycopg2
stop, log = sys.argv[1], open(sys.argv[2], "w")
conn = None
while not os.path.exists(stop):
    try:
        if conn is None:
            conn = psycopg2.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user="postgres",
                                    dbname="atol", application_name="poller", connect_timeout=5)
            conn.autocommit = True
        with conn.cursor() as c:
            c.execute("SELECT count(*) FROM sample")
            c.fetchone()
        log.write("%.3f ok\n" % time.time())
    except psycopg2.Error:
        log.write("%.3f fail\n" % time.time())
        conn = None
    log.flush()
    time.sleep(0.005)
PY
/usr/bin/python3 "$BK_WORK/poller.py" "$BK_WORK/stop" "$OUT/poller.log" &
BK_PIDS+=($!)
for _ in $(seq 100); do grep -q ok "$OUT/poller.log" 2>/dev/null && break; sleep 0.05; done

mg restore restore --production-url "$(bk_url atol)" --yes --terminate --pg-bindir "$BK_BIN" --format json "$archive"
expect_rc restore 0
sleep 0.3 # the poller reconnects
touch "$BK_WORK/stop"
wait "${BK_PIDS[-1]}" || true
schema atol >"$OUT/schema-after.sql"
counts atol >"$OUT/counts-after.txt"
diff "$OUT/schema-before.sql" "$OUT/schema-after.sql" >"$OUT/schema.diff" || fail "restore: the schema is not the pre-deploy one"
diff "$OUT/counts-before.txt" "$OUT/counts-after.txt" >/dev/null || fail "restore: the rows are not the pre-deploy ones"
expect_json restore 'r["method"] == "swap" and r["alembic_version"] == ["0005"] and r["matches_archive"]'
expect_json restore '__import__("re").fullmatch(r"atol_replaced_\d{8}T\d{6}Z", r["swap"]["replaced_database"]) and not r["swap"]["replaced_dropped"]'
expect_json restore '"table \"genome_note_reviewer\"" in r["swap"]["only_in_replaced"] and r["swap"]["only_in_archive"] == []'
expect_json restore 'any("genome_note.reviewed_on" in d for d in r["swap"]["only_in_replaced"])'
expect_err restore "object(s) the archive lacks (listed in the report)"
replaced=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["swap"]["replaced_database"])' "$OUT/restore.out")
[ "$(pg_psql -d "$replaced" -At -c 'SELECT count(*) FROM genome_note_reviewer')" = 2 ] ||
	fail "restore: the replaced database lost the rows written after the deploy"
[ "$(pg_psql -At -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'atol_restoring_%'")" = 0 ] ||
	fail "restore: the restored copy is left under its temporary name"
# The poller missed its table only while the swap ran (plus its own reconnect), never during the restore.
swap_ms=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["swap"]["swap_ms"])' "$OUT/restore.out")
python3 - "$OUT/poller.log" "$swap_ms" <<'PY' || fail "poller: $(cat "$OUT/poller.verdict")"
import sys
rows = [l.split() for l in open(sys.argv[1])]
out, start, longest, oks = open(sys.argv[1].replace("poller.log", "poller.verdict"), "w"), None, 0.0, 0
for t, what in rows:
    if what == "fail" and start is None:
        start = float(t)
    elif what == "ok":
        oks += 1
        if start is not None:
            longest, start = max(longest, float(t) - start), None
out.write("%d ok, longest outage %.3f s, swap %s ms, unfinished outage %s\n" % (oks, longest, sys.argv[2], start))
sys.exit(0 if oks > 20 and start is None and longest * 1000 <= float(sys.argv[2]) + 1500 else 1)
PY

# Without --terminate, a connected session is waited for within --lock-wait, named, and nothing changes.
pg_psql -d atol -c "INSERT INTO species (tolid_prefix, scientific_name) VALUES ('zz', 'Held')" >/dev/null
PGAPPNAME=holder "$PG_BINDIR/psql" -X -d atol -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
BK_PIDS+=($!)
for _ in $(seq 100); do
	[ "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'holder'")" = 1 ] && break
	sleep 0.05
done
mg busy restore --production-url "$(bk_url atol)" --yes --lock-wait 1s --pg-bindir "$BK_BIN" "$archive"
expect_one_error busy 3 "database 'atol' still has other sessions after --lock-wait: pid"
expect_err busy "(application_name 'holder', client local socket"
expect_err busy "waiting for 1 other session(s) to leave database 'atol'"
expect_err busy "give --terminate to end them"
[ "$(pg_psql -d atol -At -c "SELECT count(*) FROM species WHERE tolid_prefix = 'zz'")" = 1 ] || fail "busy: the target changed"
[ "$(pg_psql -At -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'atol_%'")" = 1 ] ||
	fail "busy: databases left: $(pg_psql -At -c "SELECT string_agg(datname, ' ') FROM pg_database")"
kill "${BK_PIDS[-1]}" 2>/dev/null || true

# A database that is not empty and is not the archive's is refused, unless --replace-other.
mg other restore --target-url "$(bk_url prod)" --yes --pg-bindir "$BK_BIN" "$archive"
expect_one_error other 2 "database 'prod' is not empty and the archive is of 'atol'"
expect_err other "give --replace-other"
[ "$(pg_psql -d prod -At -c 'SELECT count(*) FROM account')" = 20000 ] || fail "other: prod changed"

# A role without CREATEDB that does not own the target: refused before anything changes.
pg_psql -c "CREATE ROLE weak LOGIN PASSWORD 'weak-pw-1'" -c "GRANT CONNECT ON DATABASE atol TO weak" >/dev/null
hba=$PG_DIR/data/pg_hba.conf
{ echo "local all weak scram-sha-256"; cat "$hba"; } >"$hba.new" && cat "$hba.new" >"$hba"
pg_psql -c "SELECT pg_reload_conf()" >/dev/null
mg weak restore --target-url "postgresql://weak:weak-pw-1@/atol?host=$PG_DIR&port=$PGPORT" --yes \
	--pg-bindir "$BK_BIN" "$archive"
expect_one_error weak 3 "cannot restore into database 'atol' by a swap: role 'weak' has no CREATEDB privilege"
expect_err weak "give --clean-restore"
grep -q "weak-pw-1" "$OUT/weak.err" && fail "weak: the password is in the output"

bk_done "the way back: deploy 0006, restore by swap with the application polling; what restore refuses"
