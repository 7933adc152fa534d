#!/usr/bin/env bash
# migrate-gate check on the fixture projects that replay cleanly (or fail only as they should):
# merges, branches and depends_on in topological order, transaction_per_migration on and off,
# autocommit_block, a data migration that reads rows, and projects that pass with exit 0.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

# Lint-clean and replay-clean: exit 0 and not a single finding.
mg_check clean -C "$FIXTURES/clean_pass"
expect_rc clean 0
expect_findings clean all </dev/null
expect_json clean 'r["passed"] and r["summary"]["errors"] == 0 and r["summary"]["files"] == 2'
expect_err clean "2 new revision(s)"
expect_clean clean

# good logs to stdout and prints from r0003: the report on stdout must still be clean JSON. Its
# replay is clean; its one error is a lint finding (a plain index on an existing table).
mg_check good -C "$FIXTURES/good"
expect_rc good 1
expect_findings good replay </dev/null
expect_findings good errors <<'EOF2'
create-index-non-concurrent|r0002|versions/r0002.py|17|index "ix_users_email" on "users" is built without CONCURRENTLY: its SHARE lock blocks every write to the table until the build ends
EOF2
expect_clean good
mg_check good_pass -C "$FIXTURES/good" --disable create-index-non-concurrent
expect_rc good_pass 0
expect_json good_pass 'r["passed"] and r["summary"]["errors"] == 0 and r["summary"]["files"] == 3'
expect_clean good_pass

# Two heads: refused unless --heads.
mg_check merge_refused -C "$FIXTURES/merge_branches"
expect_bad_input merge_refused 2 "the revision graph has 2 heads: 'r0005', 'r0101'"
expect_err merge_refused "--heads"

# With --heads: all 6 replay, parents before children, r0101 before r0005 (depends_on), and the
# whole history goes down to base and up again without a difference.
mg_check merge -C "$FIXTURES/merge_branches" --heads --replay-from-base
expect_rc merge 1
expect_findings merge replay </dev/null
expect_findings merge errors <<'EOF2'
create-index-non-concurrent|r0004|versions/r0004.py|16|index "ix_a_id" on "a" is built without CONCURRENTLY: its SHARE lock blocks every write to the table until the build ends
foreign-key-not-valid|r0005|versions/r0005.py|16|adding foreign key "fk_b_lookup" to "b" checks every row while "b" and "lookup" are locked SHARE ROW EXCLUSIVE
EOF2
order=$(sed -n 's|^replay \([0-9]*\)/6 \(r[0-9]*\) .*|\2|p' "$CHECK_WORK/merge.err" | tr '\n' ' ')
pos() { local i=0 r; for r in $order; do [ "$r" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
[ "$(echo $order | wc -w)" = 6 ] || fail "merge: not 6 revisions replayed: $order"
for edge in r0001:r0002 r0001:r0003 r0002:r0004 r0003:r0004 r0004:r0005 r0101:r0005; do
	[ "$(pos "${edge%:*}")" -lt "$(pos "${edge#*:}")" ] || fail "merge: ${edge%:*} not replayed before ${edge#*:}: $order"
done
expect_err merge "replay base <-> head as a whole"
expect_clean merge

# One transaction per revision, and one for the whole command: both replay cleanly, also as a
# whole history (one upgrade base -> head).
for p in transaction_per_migration transaction_per_migration_off; do
	mg_check $p -C "$FIXTURES/$p" --replay-from-base
	expect_rc $p 1
	expect_findings $p replay </dev/null
	expect_findings $p errors <<'EOF2'
create-index-non-concurrent|r0003|versions/r0003.py|16|index "ix_t_c" on "t" is built without CONCURRENTLY: its SHARE lock blocks every write to the table until the build ends
EOF2
	expect_err $p "replay base <-> head as a whole"
	expect_clean $p
done

# CREATE INDEX CONCURRENTLY inside autocommit_block(): runs, passes, and is not linted as in a transaction.
mg_check autocommit -C "$FIXTURES/autocommit_concurrently"
expect_rc autocommit 0
expect_findings autocommit replay </dev/null
expect_json autocommit 'not [f for f in r["findings"] if "concurrently" in f["rule"]]'
expect_clean autocommit

# The same without the block: PostgreSQL refuses it; the replay says so at the op.create_index line.
mg_check concurrently -C "$FIXTURES/concurrently_outside_autocommit"
expect_rc concurrently 1
expect_findings concurrently errors <<'EOF2'
concurrently-in-transaction|r0002|versions/r0002.py|16|CREATE INDEX CONCURRENTLY "ix_t_a" on "t" cannot run inside a transaction block (the migration's own transaction)
concurrently-outside-autocommit|r0002|versions/r0002.py|16|upgrade of r0002 failed: CONCURRENTLY inside the migration's transaction
EOF2
expect_clean concurrently

# op.get_bind() reads a row with a bound parameter: the replay runs it and the lint parses it.
mg_check data -C "$FIXTURES/data_migration_reads_rows"
expect_rc data 0
expect_findings data replay </dev/null
expect_json data 'not [f for f in r["findings"] if f["rule"] == "syntax-error"] and r["summary"]["errors"] == 0'
expect_clean data

# Every way the scratch URL reaches env.py (-x source=...), and -n picking the ini section.
for src in config database_url libpq; do
	mg_check url_$src -C "$FIXTURES/url_sources" -x source=$src
	expect_rc url_$src 0
	expect_err url_$src "replay 1/1 r0001"
	expect_findings url_$src replay </dev/null
	expect_clean url_$src
done
mg_check url_section -C "$FIXTURES/url_sources" -n second -x section=second -x source=database_url
expect_rc url_section 0
expect_clean url_section
mg_check url_wrong_section -C "$FIXTURES/url_sources" -n second
expect_bad_input url_wrong_section 2 "env.py raised RuntimeError: expected ini section None, got second"

check_done "replay fixtures"
