#!/usr/bin/env bash
# migrate-gate check keeps its findings proportionate to the harm: column order alone is one
# info per table; a lock without lock_timeout is one warning per transaction; the text report
# shows errors first, grouped by revision, and counts the infos.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

# r0002 drops t.a and its downgrade re-adds it last: b, c and d move up one place each, but
# that is one info for the table, not one error per column, and the gate passes.
mg_check reorder -C "$FIXTURES/downgrade_reorders_columns"
expect_rc reorder 0
expect_findings reorder replay <<'EOF2'
column-order-changed|r0002|versions/r0002.py|20|columns of "t" are reordered after downgrade of r0002: a, b, c, d became b, c, d, a
EOF2
expect_json reorder 'r["passed"] and r["summary"]["errors"] == 0'
expect_clean reorder

# Type changes on columns that existed before the revision are judged by their real old type (the
# scratch catalog): r0002's narrowings are errors, each saying the rewrite was observed; r0003's
# widenings give nothing; r0004's rewrite through dynamic SQL no rule saw is a table-rewrite warning.
mg_check types -C "$FIXTURES/schema_aware_types"
expect_rc types 1
expect_findings types errors <<'EOF2'
alter-column-type|r0002|versions/r0002.py|16|changing column "name" of "t" from "text" to "varchar(200)" rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock
alter-column-type|r0002|versions/r0002.py|17|changing column "code" of "t" from "varchar(50)" to "varchar(20)" rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock
alter-column-type|r0002|versions/r0002.py|18|changing column "price" of "t" from "numeric(10,2)" to "numeric(10,3)" rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock
EOF2
expect_findings types replay <<'EOF2'
table-rewrite|r0004|versions/r0004.py|15|upgrade of r0004 rewrote table "t": every row was copied under an ACCESS EXCLUSIVE lock
EOF2
expect_json types 'all("(observed: the scratch database rewrote \"t\")" in f["message"] for f in r["findings"] if f["rule"] == "alter-column-type")'
expect_json types 'not [f for f in r["findings"] if f.get("revision") == "r0003" and f["severity"] == "error"]'
expect_json types '[f["severity"] for f in r["findings"] if f["rule"] == "table-rewrite"] == ["warning"]'
expect_clean types

# The text report of check puts what blocks the deploy first: errors grouped by revision, then
# warnings, and the infos only as a count (all of them with --verbose).
mg_check types_text -C "$FIXTURES/schema_aware_types" --format text
expect_rc types_text 1
text=$CHECK_WORK/types_text.json
[ "$(head -n 1 "$text")" = "== errors of revision r0002 (versions/r0002.py) ==" ] ||
	fail "types_text: the report does not start with r0002's errors: $(head -n 1 "$text")"
first_warning=$(grep -n '^== warnings' "$text" | head -n 1 | cut -d: -f1)
last_error=$(grep -n ': error \[' "$text" | tail -n 1 | cut -d: -f1)
[ -n "$first_warning" ] && [ "$last_error" -lt "$first_warning" ] || fail "types_text: a warning before an error"
grep -q '\[prefer-text\]' "$text" && fail "types_text: an info is shown without --verbose"
grep -qx '3 info finding(s) not shown: --verbose shows them' "$text" || fail "types_text: no count of the infos"
mg_check types_verbose -C "$FIXTURES/schema_aware_types" --format text --verbose
[ "$(grep -c '\[prefer-text\]' "$CHECK_WORK/types_verbose.json")" = 3 ] || fail "types_verbose: infos not shown"
expect_clean types_text

check_done noise
