#!/usr/bin/env bash
# Models match migrations: check compares env.py's target_metadata with the schema at the heads
# through Alembic's autogenerate (include_object respected), one model-drift warning per table
# with the op.* code autogenerate would write; none when they match or with --no-model-drift.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

mg_check drift -C "$FIXTURES/model_drift"
expect_rc drift 0
expect_findings drift replay <<'EOF2'
model-drift|r0001|versions/r0001.py|15|models and migrations differ at r0001: table users: add column email on users; alter column name on users; drop index ix_users_name on users; autogenerate would write: op.add_column('users', sa.Column('email', sa.Text(), nullable=True)); op.alter_column('users', 'name', existing_type=sa.VARCHAR(length=50), type_=sa.String(length=100), existing_nullable=False); op.drop_index('ix_users_name', table_name='users')
EOF2
expect_json drift '[f["severity"] for f in r["findings"] if f["rule"] == "model-drift"] == ["warning"]'
expect_clean drift

# The same project again: the same text, byte for byte (no addresses, no temp paths).
mg_check drift_again -C "$FIXTURES/model_drift"
diff <(findings drift all) <(findings drift_again all) > /dev/null || fail "drift_again: the findings differ between two runs"

# A gate on warnings fails on it.
mg_check drift_gate -C "$FIXTURES/model_drift" --fail-on warning
expect_rc drift_gate 1

mg_check match -C "$FIXTURES/models_match"
expect_rc match 0
expect_findings match replay <<'EOF2'
EOF2
expect_clean match

mg_check off -C "$FIXTURES/model_drift" --no-model-drift
expect_rc off 0
expect_findings off replay <<'EOF2'
EOF2

# A project without target_metadata (most fixtures) gives no finding and no note.
mg_check none -C "$FIXTURES/good"
expect_json none 'not [f for f in r["findings"] if f["rule"] == "model-drift"] and not r["notes"]'

check_done model-drift
