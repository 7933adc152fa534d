# Every report of one `check` run, written at once: JSON, SARIF (2.1.0 schema), GitLab Code
# Quality, JUnit (one testcase per revision), the Markdown summary (table, findings, a Mermaid
# timeline that Mermaid itself parses, the executed SQL) and the text report with -o; and the
# progress lines on stderr, with a spinner only on a terminal.
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"
OUT=${MIGRATE_GATE_BUILD:?run through ctest}/test-outputs/check_reports
rm -rf "$OUT"
mkdir -p "$OUT"
DATA=$MIGRATE_GATE_SRC/tests/cli/data
LIB=$MIGRATE_GATE_SRC/tests/lib
export NODE_PATH=$MIGRATE_GATE_SRC/tests/node_modules
[ -d "$NODE_PATH/mermaid" ] || { echo "FAIL: tests/node_modules lacks mermaid: run scripts/bootstrap"; exit 1; }
PY=/usr/bin/python3 # Debian's, with jsonschema
use_scratch_cache

# 1. The README's example project: findings on three revisions, a failed second upgrade on the last.
atol=$CHECK_WORK/atol
cp -r "$MIGRATE_GATE_SRC/examples/atol" "$atol"
chmod -R a+rX "$atol"
mg_check atol -C "$atol" -f text -o "$OUT/atol.txt" --report-json "$OUT/atol.json" --sarif "$OUT/atol.sarif" \
	--codequality "$OUT/atol.codequality.json" --junit "$OUT/atol.junit.xml" --summary-md "$OUT/atol.md"
expect_rc atol 1
cp "$CHECK_WORK/atol.err" "$OUT/atol.stderr"
# -f text -o FILE won over mg_check's --format json: stdout is empty, the text report in the file.
[ ! -s "$CHECK_WORK/atol.json" ] || fail "atol: a report on stdout besides -o"
grep -q '^FAILED: 4 error(s)' "$OUT/atol.txt" || fail "atol: -o text report"
cp "$OUT/atol.json" "$CHECK_WORK/atol.json" # for expect_json
expect_json atol 'r["schema_version"] == 1 and [v["id"] for v in r["revisions"]] == ["0001", "0002", "0003", "0004", "0005", "0006"]'
expect_json atol '[[s["name"], s["status"]] for s in r["revisions"][4]["steps"]] == [["upgrade", "ok"], ["downgrade", "ok"], ["second upgrade", "failed"]]'
expect_json atol 'all(len(v["steps"]) == 3 and all(s["duration_ms"] > 0 and s["start_ms"] > 0 for s in v["steps"]) for v in r["revisions"])'
expect_json atol 'r["revisions"][2]["sql"] == ["ALTER TABLE sample ADD COLUMN lab_status VARCHAR(20) NOT NULL", "CREATE INDEX ix_sample_lab_status ON sample (lab_status)"]'
expect_json atol 'r["backup"] is None and r["apply"] is None and r["revisions"][0]["mode"] is None'
for fmt in sarif:sarif:atol.sarif junit:junit:atol.junit.xml gitlab:gitlab:atol.codequality.json; do
	IFS=: read -r label kind file <<< "$fmt"
	"$PY" "$DATA/check_formats.py" "$kind" "$OUT/$file" "$OUT/atol.json" > "$OUT/check-$label.log" 2>&1 ||
		fail "atol: $label: $(cat "$OUT/check-$label.log")"
done
"$PY" "$LIB/check_markdown.py" "$OUT/atol.md" "$OUT/atol.json" > "$OUT/check-markdown.log" 2>&1 ||
	fail "atol: markdown: $(cat "$OUT/check-markdown.log")"
# JUnit: six testcases named after the revisions, the failing ones as the findings say.
"$PY" - "$OUT/atol.junit.xml" <<'EOF' || fail "atol: junit testcases"
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().findall("testsuite/testcase")
assert [c.get("name").split()[0] for c in cases] == ["0001", "0002", "0003", "0004", "0005", "0006"], cases
assert [c.find("failure") is not None for c in cases] == [False, False, True, False, True, False]
assert cases[2].get("file") == "versions/0003_sample_lab_status.py" and float(cases[2].get("time")) > 0
EOF
# Progress: one line per step with its time, as it happened; no spinner in a log.
[ "$(grep -cE '^  (ok|FAILED) +(upgrade|downgrade|second upgrade) 000[1-6]  [0-9]+\.[0-9]{2} s$' "$OUT/atol.stderr")" = 18 ] ||
	fail "atol: not 18 progress lines on stderr"
grep -q '^  FAILED second upgrade 0005  ' "$OUT/atol.stderr" || fail "atol: the failed step's line"
if grep -q $'\r' "$OUT/atol.stderr"; then fail "atol: a spinner in a non-terminal stderr"; fi

# 2. --fail-fast stops the replay at a failed second upgrade: the revision after it is not run, and JUnit
# skips it rather than passing it.
stop=$(private_copy second_upgrade_fails)
cat > "$stop/versions/r0003.py" <<'EOF'
"""after the failure

Revision ID: r0003
Revises: r0002
"""
from alembic import op

revision = 'r0003'
down_revision = 'r0002'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE later (id bigint PRIMARY KEY)")


def downgrade():
    op.execute("DROP TABLE later")
EOF
mg_check stop -C "$stop" --fail-fast --junit "$OUT/stop.junit.xml" --summary-md "$OUT/stop.md" --report-json "$OUT/stop.json"
expect_rc stop 1
expect_json stop '[len(v["steps"]) for v in r["revisions"]] == [3, 3, 0] and r["revisions"][2]["sql"] == []'
grep -q 'tests="3" failures="1" errors="0" skipped="1"' "$OUT/stop.junit.xml" || fail "stop: junit counts"
grep -q '<skipped message="not replayed: an earlier revision failed"/>' "$OUT/stop.junit.xml" || fail "stop: skipped"
grep -qF "| ℹ️ | <code>r0003</code> | after the failure | ➖ | ➖ | ➖ |" "$OUT/stop.md" || fail "stop: row of r0003"
"$PY" "$LIB/check_markdown.py" "$OUT/stop.md" "$OUT/stop.json" > "$OUT/check-stop-markdown.log" 2>&1 ||
	fail "stop: markdown: $(cat "$OUT/check-stop-markdown.log")"
"$PY" "$DATA/check_formats.py" junit "$OUT/stop.junit.xml" "$OUT/stop.json" > /dev/null 2>&1 ||
	fail "stop: junit does not match the JSON report"

# 3. On a terminal, a spinner with the running time shows each step, then its final line.
if command -v script > /dev/null; then
	good=$(private_copy good)
	TERM=xterm script -qec "env -u NO_COLOR TMPDIR='$CHECK_TMP' '$MIGRATE_GATE_BIN' check -C '$good' \
		--scratch-cache '$SCRATCH_CACHE' --color never --fail-on never -o /dev/null" "$OUT/tty.typescript" > /dev/null 2>&1 ||
		fail "tty: check exited $?"
	grep -qaE $'\r\033\\[K[|/\\\\-] upgrade r0001  [0-9.]+ s' "$OUT/tty.typescript" || fail "tty: no spinner"
	grep -qaE '  ok +second upgrade r0003  [0-9.]+ s' "$OUT/tty.typescript" || fail "tty: no final line"
	expect_clean tty "$good"
fi
expect_clean atol "$atol"
check_done "check_reports: every format in one run, progress lines"
