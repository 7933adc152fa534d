#!/usr/bin/env bash
# migrate-gate check on the fixture projects whose downgrade is wrong: each gives exactly its
# replay finding (rule, revision, file, line, message) and exit 1, or 0 for a mere warning.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

mg_check leaves_index -C "$FIXTURES/downgrade_leaves_index"
expect_rc leaves_index 1
expect_findings leaves_index replay <<'EOF2'
downgrade-leaves-object|r0002|versions/r0002.py|21|index "ix_t_a" on "t" still exists after downgrade of r0002
EOF2
expect_json leaves_index 'not r["passed"] and r["command"] == "check" and r["summary"]["errors"] >= 1'
expect_clean leaves_index

mg_check leaves_column -C "$FIXTURES/downgrade_leaves_column"
expect_rc leaves_column 1
expect_findings leaves_column replay <<'EOF2'
downgrade-leaves-object|r0002|versions/r0002.py|21|column "t.c" still exists after downgrade of r0002
EOF2
expect_clean leaves_column

# The type stays, so upgrading again fails on CREATE TYPE; its grants are not a finding of their own.
mg_check leaves_enum -C "$FIXTURES/downgrade_leaves_enum_type"
expect_rc leaves_enum 1
expect_findings leaves_enum replay <<'EOF2'
replay-step-failed|r0002|versions/r0002.py|16|second upgrade of r0002 failed: ProgrammingError: type "mood" already exists
downgrade-leaves-object|r0002|versions/r0002.py|21|enum "mood" still exists after downgrade of r0002
EOF2
expect_clean leaves_enum

# ADD COLUMN ... DEFAULT nextval() rewrites t and its primary key index: the lint finding that
# predicted it says the scratch database saw it, and stands for both.
mg_check leaves_sequence -C "$FIXTURES/downgrade_leaves_sequence"
expect_rc leaves_sequence 1
expect_findings leaves_sequence replay <<'EOF2'
downgrade-leaves-object|r0002|versions/r0002.py|20|sequence "order_no_seq" still exists after downgrade of r0002
EOF2
expect_json leaves_sequence '[f["rule"] for f in r["findings"] if "(observed: the scratch database rewrote \"t\")" in f["message"]] == ["add-column-volatile-default"]'
expect_clean leaves_sequence

mg_check leaves_fk -C "$FIXTURES/downgrade_leaves_fk"
expect_rc leaves_fk 1
expect_findings leaves_fk replay <<'EOF2'
replay-step-failed|r0002|versions/r0002.py|17|second upgrade of r0002 failed: ProgrammingError: constraint "fk_child_parent" for relation "child" already exists
downgrade-leaves-object|r0002|versions/r0002.py|21|constraint "fk_child_parent" on "child" still exists after downgrade of r0002
EOF2
expect_clean leaves_fk

# Only the missing column: the second upgrade's schema is not compared with the first's again.
mg_check drops_too_much -C "$FIXTURES/downgrade_drops_too_much"
expect_rc drops_too_much 1
expect_findings drops_too_much replay <<'EOF2'
downgrade-removes-object|r0002|versions/r0002.py|21|column "t.b" is missing after downgrade of r0002
EOF2
expect_clean drops_too_much

# NotImplementedError: declared irreversible, a warning by default (the gate passes), an error on
# request (--irreversible-downgrade, or its old name --downgrade-not-implemented), off on request.
mg_check raises -C "$FIXTURES/downgrade_raises"
expect_rc raises 0
expect_findings raises replay <<'EOF2'
irreversible-downgrade|r0002|versions/r0002.py|20|downgrade of r0002 raises NotImplementedError: it cannot be rolled back
EOF2
expect_json raises 'r["passed"] and [f["severity"] for f in r["findings"] if f["rule"] == "irreversible-downgrade"] == ["warning"]'
expect_clean raises
mg_check raises_error -C "$FIXTURES/downgrade_raises" --downgrade-not-implemented error
expect_rc raises_error 1
expect_findings raises_error replay <<'EOF2'
irreversible-downgrade|r0002|versions/r0002.py|20|downgrade of r0002 raises NotImplementedError: it cannot be rolled back
EOF2
expect_json raises_error 'not r["passed"] and [f["severity"] for f in r["findings"] if f["rule"] == "irreversible-downgrade"] == ["error"]'
expect_clean raises_error
mg_check raises_off -C "$FIXTURES/downgrade_raises" --irreversible-downgrade off
expect_rc raises_off 0
expect_findings raises_off replay </dev/null
expect_clean raises_off

# A bare `pass` after a schema change, not marked one-way: one error listing what stays changed,
# no second upgrade (tests/e2e/check_verdicts.sh has the marked and the data-only cases).
mg_check empty -C "$FIXTURES/empty_downgrade"
expect_rc empty 1
expect_findings empty replay <<'EOF2'
downgrade-does-nothing|r0002|versions/r0002.py|19|downgrade of r0002 is empty (pass), but its upgrade changed 1 object(s): column "t.c" was added
EOF2
expect_json empty 'r["replay"] == {"revisions": 2, "replayed": 2, "failed": 1, "one_way": 0, "not_replayed": 0, "stopped_at": None, "reason": None}'
expect_clean empty

# The schema comes back but the seed row does not go: the second upgrade hits the primary key.
mg_check second_upgrade -C "$FIXTURES/second_upgrade_fails"
expect_rc second_upgrade 1
expect_findings second_upgrade replay <<'EOF2'
replay-step-failed|r0002|versions/r0002.py|16|second upgrade of r0002 failed: IntegrityError: duplicate key value violates unique constraint "settings_pkey"
empty-downgrade|r0002|versions/r0002.py|19|downgrade of r0002 executes no statement although its upgrade ran 1
EOF2
expect_json second_upgrade '"Key (key)=(mode) already exists" in [f for f in r["findings"] if f["rule"] == "replay-step-failed"][0]["message"]'
expect_clean second_upgrade

check_done "downgrade fixtures"
