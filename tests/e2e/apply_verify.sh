#!/usr/bin/env bash
# apply's verification of each revision on production: the schema changes it reports per revision
# come from a snapshot of the relations the revision's statements name, and a closing whole
# snapshot catches whatever those statements do not account for (here: an index created by a
# revision that then emptied the driver's capture list), which the report must then say.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/apply.sh"
apply_start

# A clean history from an empty database: every revision's changes, nothing unaccounted for.
prod_at clean "$FIXTURES/good" ""
mg clean apply -C "$FIXTURES/good" --production-url "$(pg_url clean)" -v -v
expect_rc clean 0
expect_json clean '[v["outcome"] for v in r["revisions"]] == ["applied"] * 3'
expect_json clean 'all(v["schema_changes"] for v in r["revisions"])'
expect_json clean 'not any("account for" in n for n in r["notes"])'
grep -q "a whole snapshot" "$OUT/clean.err" && fail "clean: a revision of plain tables needed a whole snapshot"

# r0002's index is not in any captured statement: not in its changes, but in a note and a warning.
prod_at hidden "$FIXTURES/apply_hidden_change" ""
mg hidden apply -C "$FIXTURES/apply_hidden_change" --production-url "$(pg_url hidden)"
expect_rc hidden 0
expect_json hidden '"table \"t\" was added" in r["revisions"][0]["schema_changes"]'
expect_json hidden 'r["revisions"][1]["schema_changes"] == []'
expect_json hidden '"a schema change that no revision'"'"'s statements account for: index \"ix_t_a\" on \"t\" was added" in r["notes"]'
expect_err hidden "warning: a schema change that no revision's statements account for: index \"ix_t_a\" on \"t\" was added"

apply_done "apply's per-revision verification"
