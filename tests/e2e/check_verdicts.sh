#!/usr/bin/env bash
# Verdicts a reviewer trusts (issue 17): one finding per defect, defaults and function bodies
# compared by meaning, empty downgrades told apart (schema change: error; data only: info;
# marked one-way: warning). Each fixture's README says what it holds.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

# Item 10: a forgotten table is one finding with its objects listed, not one per column,
# constraint, index, sequence and comment; two defaults left on one table are one finding.
mg_check grouping -C "$FIXTURES/verdicts_grouping" --sarif "$CHECK_WORK/grouping.sarif"
keep "$CHECK_WORK/grouping.sarif"
expect_rc grouping 1
expect_findings grouping errors <<'EOF2'
replay-step-failed|r0002|versions/r0002.py|16|second upgrade of r0002 failed: ProgrammingError: relation "orders" already exists
downgrade-leaves-object|r0002|versions/r0002.py|23|table "orders" still exists after downgrade of r0002 (with its 10 columns, constraints, indexes and sequences)
downgrade-changes-object|r0003|versions/r0003.py|22|column "accounts.plan" differs after downgrade of r0003: default differs: (none) vs 'free'::text; and 1 more object(s) of "accounts": column "accounts.score" default differs: (none) vs 0
EOF2
expect_json grouping '[len(f.get("objects", [])) for f in r["findings"] if f["rule"].startswith("downgrade-")] == [11, 1]'
expect_json grouping '"comment on column note of table orders was added" in [f for f in r["findings"] if f["rule"] == "downgrade-leaves-object"][0]["objects"]'
expect_json grouping 'r["summary"]["errors"] == 3'
if ! python3 - "$CHECK_WORK/grouping.sarif" <<'PY'; then
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
table = [x for x in res if x["ruleId"] == "downgrade-leaves-object"][0]
assert len(table["relatedLocations"]) == 11, table
assert table["relatedLocations"][0]["message"]["text"].startswith("column "), table
PY
	fail "grouping: SARIF relatedLocations"
fi
expect_clean grouping

# Items 1 and 2: public.gen_random_uuid() (pgcrypto) and gen_random_uuid() (core) are the same
# default; a function body with one blank line more differs in whitespace only (an info).
mg_check normalize -C "$FIXTURES/verdicts_normalize"
expect_rc normalize 0
expect_findings normalize replay <<'EOF2'
downgrade-changes-object|r0002|versions/r0002.py|28|function "touch()" differs in whitespace only after downgrade of r0002
EOF2
expect_json normalize '[f["severity"] for f in r["findings"] if f["rule"] == "downgrade-changes-object"] == ["info"]'
expect_json normalize 'r["replay"]["failed"] == 0'
expect_clean normalize

# Items 3 and 4: r0002 renames three tables with a `pass` downgrade (an error listing what stays
# changed); r0003 changes data only (an info, no warning); r0004 and r0005 are marked one-way
# (in the file, in alembic.ini): one-way warnings as before.
mg_check one_way -C "$FIXTURES/verdicts_one_way"
expect_rc one_way 1
expect_findings one_way replay <<'EOF2'
downgrade-does-nothing|r0002|versions/r0002.py|20|downgrade of r0002 is empty (pass), but its upgrade changed 27 object(s): table "alpha" was removed; table "alpha2" was added; table "beta" was removed; ...
data-migration-downgrade|r0003|versions/r0003.py|19|downgrade of r0003 is empty: a data migration, nothing to undo in the schema
irreversible-downgrade|r0004|versions/r0004.py|19|downgrade of r0004 is empty: it cannot be rolled back
irreversible-downgrade|r0005|versions/r0005.py|19|downgrade of r0005 is empty: it cannot be rolled back
EOF2
expect_json one_way 'r["replay"]["failed"] == 1 and r["replay"]["one_way"] == 2'
expect_json one_way 'len([f for f in r["findings"] if f["rule"] == "downgrade-does-nothing"][0]["objects"]) == 27'
expect_clean one_way

# The same project with r0005 marked on the command line instead; an unknown id is a usage error.
proj=$(private_copy verdicts_one_way)
sed -i '/migrate_gate/,$d' "$proj/alembic.ini"
mg_check one_way_flag -C "$proj" --one-way r0005
expect_json one_way_flag 'r["replay"]["one_way"] == 2'
expect_clean one_way_flag
mg_check one_way_unknown -C "$proj" --one-way r0099
expect_bad_input one_way_unknown 2 "unknown revision 'r0099' marked one-way"

# Item 11: the text report ends with the failed revisions in history order, the counts per rule,
# the verdict; --summary-only shows the weightiest findings instead of every one.
mg_check grouping_text -C "$FIXTURES/verdicts_grouping" -f text --summary-only
python3 - "$CHECK_WORK/grouping_text.json" <<'PY' || fail "grouping_text: the text report's end"
import sys
t = open(sys.argv[1]).read()
end = t[t.index("2 revision(s) failed the round trip:"):]
lines = end.splitlines()
assert lines[1].startswith("  r0002 (versions/r0002.py): table \"orders\" still exists"), lines
assert lines[2].startswith("  r0003 (versions/r0003.py): column \"accounts.plan\" differs"), lines
assert "findings by rule:" in end and "error   downgrade-leaves-object" in end, end
assert end.rstrip().splitlines()[-2].startswith("FAILED: 3 error(s)"), end
assert t.startswith("top findings (") and "   | " not in t, t[:400]
PY
expect_clean grouping_text

check_done "verdicts"
