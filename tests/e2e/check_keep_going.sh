#!/usr/bin/env bash
# check keeps going: every revision is replayed whatever failed before it (a checkpoint of the
# scratch database is restored after a failed round trip), every defect is reported in one run,
# and every format states the end state. A revision whose first upgrade fails cannot be gone
# past: the ones after it are `not replayed`, in every format. --fail-fast stops at the first.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
use_scratch_cache
# 40 revisions take about 15 s on an idle machine; leave room for a loaded one.
CHECK_KILL_AFTER=900

# 40 revisions, 4 independent defects: all four in one run, and nothing else from the replay.
mg_check long -C "$FIXTURES/long_history"
expect_rc long 1
expect_findings long replay <<'EOF2'
downgrade-leaves-object|r0008|versions/r0008.py|21|index "ix_t07_v" on "t07" still exists after downgrade of r0008
replay-step-failed|r0016|versions/r0016.py|17|second upgrade of r0016 failed: ProgrammingError: constraint "fk_t15_t13" of relation "t15" does not exist
downgrade-removes-object|r0016|versions/r0016.py|21|constraint "fk_t15_t13" on "t15" is missing after downgrade of r0016
downgrade-removes-object|r0024|versions/r0024.py|21|sequence "seq23" is missing after downgrade of r0024
replay-step-failed|r0032|versions/r0032.py|20|downgrade of r0032 failed: ProgrammingError: column "c32_typo" of relation "t31" does not exist
EOF2
expect_json long 'r["replay"] == {"revisions": 40, "replayed": 40, "failed": 4, "one_way": 0, "not_replayed": 0, "stopped_at": None, "reason": None}'
# every revision after a restore was linted too (r0040 adds t39.c40)
expect_json long '[f for f in r["findings"] if f["revision"] == "r0040"]'
expect_err long "replay 40/40 r0040"
expect_err long "restoring the checkpoint after the first upgrade of r0032"
expect_clean long

# --fail-fast: today's behaviour, the first failed revision ends the replay.
mg_check fail_fast -C "$FIXTURES/long_history" --fail-fast
expect_rc fail_fast 1
expect_findings fail_fast errors <<'EOF2'
create-index-non-concurrent|r0008|versions/r0008.py|17|index "ix_t07_v" on "t07" is built without CONCURRENTLY: its SHARE lock blocks every write to the table until the build ends
downgrade-leaves-object|r0008|versions/r0008.py|21|index "ix_t07_v" on "t07" still exists after downgrade of r0008
EOF2
expect_json fail_fast 'r["replay"]["replayed"] == 8 and r["replay"]["not_replayed"] == 32 and r["replay"]["reason"] == "--fail-fast ended the replay at r0008"'
expect_json fail_fast 'len([f for f in r["findings"] if f["rule"] == "not-replayed"]) == 32'
expect_clean fail_fast

# A revision that commits its own transaction loses Alembic's stamp: one finding at the commit,
# then it is upgraded again with its commits held and the replay goes on; r0004 builds on it.
# r0006's failure goes back to the checkpoint saved before r0003 and upgrades r0003 to r0006
# again: r0003 with its commits held, or it loses its stamp again.
mg_check stamp -C "$FIXTURES/stamp_lost"
expect_rc stamp 1
expect_findings stamp replay <<'EOF2'
version-stamp-lost|r0003|versions/r0003.py|17|upgrade of r0003 lost its version stamp: connection.commit() at line 17 committed the migration's transaction, and the stamp Alembic wrote after it was rolled back
replay-step-failed|r0006|versions/r0006.py|19|second upgrade of r0006 failed: ProgrammingError: relation "f" already exists
downgrade-leaves-object|r0006|versions/r0006.py|24|table "f" still exists after downgrade of r0006 (with its 4 columns, constraints, indexes and sequences)
EOF2
expect_json stamp 'r["replay"] == {"revisions": 6, "replayed": 6, "failed": 2, "one_way": 0, "not_replayed": 0, "stopped_at": None, "reason": None}'
expect_err stamp "replay 6/6 r0006"
expect_err stamp "restoring the checkpoint after the first upgrade of r0006"
expect_clean stamp

# RuntimeError("Cannot downgrade ...") and a commented `pass`: declared irreversible, one warning
# each, one-way steps; the revisions after them replay cleanly and the gate passes.
mg_check irreversible -C "$FIXTURES/irreversible_runtime_error"
expect_rc irreversible 0
expect_findings irreversible replay <<'EOF2'
irreversible-downgrade|r0002|versions/r0002.py|23|downgrade of r0002 raises RuntimeError: it cannot be rolled back
irreversible-downgrade|r0004|versions/r0004.py|19|downgrade of r0004 is empty: it cannot be rolled back
EOF2
expect_json irreversible 'r["replay"]["one_way"] == 2 and r["replay"]["failed"] == 0 and r["replay"]["replayed"] == 5'
expect_clean irreversible
mg_check irreversible_error -C "$FIXTURES/irreversible_runtime_error" --irreversible-downgrade error
expect_rc irreversible_error 1
expect_clean irreversible_error

# The first upgrade of r0003 fails: r0004 and r0005 are `not replayed`, and every format says so.
mg_check midway -C "$FIXTURES/upgrade_fails_midway"
expect_rc midway 1
expect_findings midway replay <<'EOF2'
replay-step-failed|r0003|versions/r0003.py|16|upgrade of r0003 failed: ProgrammingError: column "b" does not exist
not-replayed|r0004|versions/r0004.py|15|r0004 was not replayed (2 of 5 revisions were not): the first upgrade of r0003 failed; the revisions after it build on it
not-replayed|r0005|versions/r0005.py|15|r0005 was not replayed (2 of 5 revisions were not): the first upgrade of r0003 failed; the revisions after it build on it
EOF2
expect_json midway 'r["replay"] == {"revisions": 5, "replayed": 3, "failed": 1, "one_way": 0, "not_replayed": 2, "stopped_at": "r0003", "reason": "the first upgrade of r0003 failed; the revisions after it build on it"}'
expect_err midway "not replaying the 2 revision(s) after r0003: the first upgrade of r0003 failed"
expect_clean midway
reason="the first upgrade of r0003 failed; the revisions after it build on it"
for fmt in text sarif gitlab junit github; do
	verbose=()
	[ "$fmt" != text ] || verbose=(--verbose) # the text report shows info findings (not-replayed) with it
	mg_check "midway_$fmt" -C "$FIXTURES/upgrade_fails_midway" --format "$fmt" ${verbose[@]+"${verbose[@]}"}
	expect_rc "midway_$fmt" 1
	out=$CHECK_WORK/midway_$fmt.json
	for rev in r0004 r0005; do
		grep -q "$rev was not replayed" "$out" || fail "midway_$fmt: $rev is not marked not replayed"
	done
	expect_clean "midway_$fmt"
done
# each format carries the same findings as the JSON report (SARIF against the official schema)
for fmt in sarif gitlab junit github; do
	/usr/bin/python3 "$MIGRATE_GATE_SRC/tests/cli/data/check_formats.py" "$fmt" "$CHECK_WORK/midway_$fmt.json" \
		"$CHECK_WORK/midway.json" >&2 || fail "midway_$fmt: does not match the JSON report"
done
# one finding per block: a multi-line statement (CREATE TABLE) is one line in its message
# (the closing summary - failed revisions, counts by rule - comes after the last block)
bad=$(sed -n '/^[0-9]* revision(s) failed the round trip:$/q;p' "$CHECK_WORK/midway_text.json" |
	grep -vE '^(versions/r000[0-9]\.py:[0-9]+:[0-9]+: |   [|=] |note: |FAILED: |replay: |== [a-z]+ of revision r000[0-9] \(versions/r000[0-9]\.py\) ==$|$)' || true)
[ -z "$bad" ] || fail "midway_text: lines outside a finding's block: $bad"
grep -q '^  r0003 (versions/r0003.py): upgrade of r0003 failed' "$CHECK_WORK/midway_text.json" ||
	fail "midway_text: the closing summary does not list r0003's failed round trip"
grep -qxF "replay: 3 of 5 revision(s) replayed, 1 failed, 2 not replayed: $reason" "$CHECK_WORK/midway_text.json" ||
	fail "midway_text: no end-state line"
python3 - "$CHECK_WORK" "$reason" <<'PY' || fail "midway: the end state is missing from a format"
import json, sys, xml.etree.ElementTree as ET
work, reason = sys.argv[1], sys.argv[2]
line = "3 of 5 revision(s) replayed, 1 failed, 2 not replayed: " + reason
inv = json.load(open(f"{work}/midway_sarif.json"))["runs"][0]["invocations"][0]
assert inv["properties"]["notReplayed"] == 2 and inv["properties"]["stoppedAt"] == "r0003", inv
assert inv["toolExecutionNotifications"][0]["message"]["text"] == line, inv
cq = json.load(open(f"{work}/midway_gitlab.json"))
assert sorted(i["location"]["path"] for i in cq if i["check_name"] == "not-replayed") == ["versions/r0004.py", "versions/r0005.py"]
suite = ET.parse(f"{work}/midway_junit.json").getroot().find("testsuite")
props = {p.get("name"): p.get("value") for p in suite.find("properties")}
assert props["replay.not_replayed"] == "2" and props["replay"] == line, props
assert suite.get("skipped") == "2" and len(suite.findall("testcase/skipped")) == 2
gh = open(f"{work}/midway_github.json").read()
assert "::warning title=migrate-gate replay::" + line + "\n" in gh, gh
PY

# --replay-from-base: the whole-history downgrade fails in r0001's downgrade; filed under r0001.
mg_check whole -C "$FIXTURES/whole_history_fails" --replay-from-base
expect_rc whole 1
expect_findings whole replay <<'EOF2'
replay-step-failed|r0001|versions/r0001.py|20|downgrade heads->base of r0001 failed: InternalError: lookup still has rows
EOF2
expect_clean whole

check_done "keep going"
