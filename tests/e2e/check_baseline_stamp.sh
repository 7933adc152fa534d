#!/usr/bin/env bash
# Issue 15 item 9: the baseline upgrade is verified like every replay step. stamp_lost's r0003
# commits the migration's transaction itself, so the baseline upgrade to r0003 (--since r0003)
# leaves alembic_version at r0002. The baseline is named as the fault, and r0004 is not
# replayed: it would run r0003 again, fail, and be blamed.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache

mg_check baseline_stamp -C "$FIXTURES/stamp_lost" --since r0003
expect_rc baseline_stamp 1
expect_err baseline_stamp "error: the baseline upgrade to 'r0003' left alembic_version at r0002: its version stamp was lost"
expect_err baseline_stamp "hint: the baseline is at fault, not the new revisions: revision r0003 commits the migration's transaction itself (connection.commit() at line 17)"
if grep -q "^replay 1/" "$CHECK_WORK/baseline_stamp.err"; then
	fail "baseline_stamp: a new revision was replayed"
fi
expect_clean baseline_stamp

check_done "a baseline that loses its stamp is blamed for it"
