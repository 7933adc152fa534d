#!/usr/bin/env bash
# Same input, same bytes: a fixture of each kind of outcome is checked twice and the two JSON
# reports must be byte-identical; the fixtures whose messages come from Python or PostgreSQL
# errors are also compared as SARIF and GitLab Code Quality. unstable_message raises an error
# holding a memory address, which must not reach the report.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache
CHECK_KILL_AFTER=900 # long_history on a loaded machine

# Timings, once a report has any, live in fields of their own: drop those lines, nothing else.
same() { # NAME-A NAME-B
	if ! cmp -s <(grep -vE '"(start_ms|duration_ms)"' "$CHECK_WORK/$1.json") \
		<(grep -vE '"(start_ms|duration_ms)"' "$CHECK_WORK/$2.json"); then
		fail "$1 and $2 differ"
		diff "$CHECK_WORK/$1.json" "$CHECK_WORK/$2.json" | head -n 10 | sed 's/^/  /' >&2 || true
	fi
}

twice() { # NAME FORMAT ARGS...
	local name=$1 fmt=$2
	shift 2
	mg_check "${name}_1" --format "$fmt" "$@"
	mg_check "${name}_2" --format "$fmt" "$@"
	[ -s "$CHECK_WORK/${name}_1.json" ] || fail "$name: no $fmt report"
	same "${name}_1" "${name}_2"
	expect_clean "$name"
}

# A fixture of each kind of outcome (every fixture twice took 7 minutes on 2 cores): clean,
# lint only, leftovers, a failed downgrade, an irreversible downgrade, a lost stamp, keep-going
# past a failed upgrade, merges, schema-aware lint, model drift, and a 40-revision history.
for fixture in good downgrade_leaves_index downgrade_raises irreversible_runtime_error \
	whole_history_fails schema_aware_types model_drift long_history; do
	twice "$fixture" json -C "$FIXTURES/$fixture"
done
twice merge_branches json -C "$FIXTURES/merge_branches" --heads
# The SARIF and GitLab reports of the same two runs too (--sarif and --codequality beside the JSON
# one: a third and fourth run each would repeat the same replay).
for fixture in unstable_message stamp_lost upgrade_fails_midway; do
	for run in 1 2; do
		keep "$CHECK_WORK/${fixture}_sarif_$run.json" "$CHECK_WORK/${fixture}_gitlab_$run.json"
		mg_check "${fixture}_$run" -C "$FIXTURES/$fixture" --sarif "$CHECK_WORK/${fixture}_sarif_$run.json" \
			--codequality "$CHECK_WORK/${fixture}_gitlab_$run.json"
	done
	for kind in "" _sarif _gitlab; do
		[ -s "$CHECK_WORK/${fixture}${kind}_1.json" ] || fail "$fixture: no ${kind#_} report"
		same "${fixture}${kind}_1" "${fixture}${kind}_2"
	done
	expect_clean "$fixture"
done

expect_findings unstable_message_1 replay <<'EOF2'
replay-step-failed|r0002|versions/r0002.py|20|downgrade of r0002 failed: LookupError: no rollback target in {'ref': <object object>}
EOF2
grep -q ' at 0x' "$CHECK_WORK"/*.json && fail "a memory address reached a report: $(grep -l ' at 0x' "$CHECK_WORK"/*.json)"
grep -qF "$CHECK_TMP" "$CHECK_WORK"/*.json && fail "a scratch path reached a report"

check_done "determinism"
