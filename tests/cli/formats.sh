# Every machine-readable format of `lint` against the JSON report of the same
# run: SARIF validated by the official 2.1.0 schema, JUnit read by a real XML
# parser, GitLab Code Quality fields and fingerprints, GitHub workflow commands.
set -euo pipefail

BIN=${MIGRATE_GATE_BIN:?set MIGRATE_GATE_BIN to the migrate-gate binary}
SRC=${MIGRATE_GATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
CHECK=$SRC/tests/cli/data/check_formats.py
# GitHub's runner sets this; it would add annotations to every report on stdout.
unset GITHUB_ACTIONS

# Debian's python3-jsonschema is importable from /usr/bin/python3, maybe not from a pyenv python3.
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no python3 with jsonschema (apt-get install python3-jsonschema)"; exit 1; }

tmp=$(mktemp -d)
. "$(dirname "$0")/../lib/outputs.sh"
trap 'keep_outputs "$tmp"; rm -rf "$tmp"' EXIT
cd "$tmp"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Known findings from rules the engine itself owns, so this test does not
# depend on any rule family: syntax errors (error) and a bare ignore-file (info).
# The odd file name and message characters exercise every escaping rule.
mkdir -p migrations
printf 'SELECT 1;\nSELECT * FROM t WHERE a = '\''x'\'' '\''y,z:%%"<&>'\'';\n' > migrations/quotes.sql
printf 'CREATE TABLE t (\n\tid int,\n);\n' > 'migrations/we,ird:na&me <x>.sql'
printf -- '-- migrate-gate: ignore-file\nSELEC 1;\n' > migrations/ignored.sql
printf 'CREATE TABLE ok (id bigint PRIMARY KEY);\n' > migrations/clean.sql
# Real rules too, when the rule families give findings here; the checks take
# their counts from the JSON report, so they hold whatever these rules say.
printf 'CREATE INDEX ix_users_email ON users (email);\nALTER TABLE users RENAME COLUMN name TO full_name;\nDROP TABLE orders;\n' > migrations/risky.sql
"$BIN" lint --list-rules > rules.txt

# lint exits 1 here (findings at or above --fail-on); anything else is a bug.
run() {
	local rc=0
	"$BIN" lint "$@" > out 2> err || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "exit $rc from: lint $*"; cat err; return 1
	fi
}

check_all() { # label, --fail-on level, extra lint flags...
	local label=$1 fail_on=$2
	shift 2
	run --format json --fail-on "$fail_on" "$@" ./migrations && cp out ref.json
	for fmt in sarif gitlab junit github; do
		if run --format "$fmt" --fail-on "$fail_on" "$@" ./migrations && cp out "report.$fmt" &&
			"$PY" "$CHECK" "$fmt" "report.$fmt" ref.json --fail-on "$fail_on" --rules rules.txt; then
			ok "$label: $fmt"
		else
			bad "$label: $fmt"
		fi
	done
}

check_all "defaults" error
# The reference itself must hold what the SQL guarantees, or the comparisons prove little.
if "$PY" - ref.json <<'EOF'; then ok "reference has the known findings"; else bad "reference has the known findings"; fi
import json, sys
r = json.load(open(sys.argv[1]))
rules = [(f["rule"], f["severity"], f["file"]) for f in r["findings"]]
assert ("syntax-error", "error", "./migrations/quotes.sql") in rules, rules
assert ("syntax-error", "error", "./migrations/we,ird:na&me <x>.sql") in rules, rules
assert ("ignore-file", "info", "./migrations/ignored.sql") in rules, rules
assert r["summary"]["files"] == 5 and not r["passed"], r["summary"]
EOF
check_all "as warnings" warning --severity syntax-error=warning
check_all "fail-on info" info
check_all "fail-on never" never

# Levels really change in each format.
run --format github --severity syntax-error=warning migrations/quotes.sql
if grep -q '^::warning file=migrations/quotes.sql,' out && ! grep -q '^::error' out; then
	ok "github: warning level"
else
	bad "github: warning level"; cat out
fi
run --format gitlab --severity syntax-error=warning migrations/quotes.sql
if grep -q '"severity":[[:space:]]*"major"' out && ! grep -q '"critical"' out; then ok "gitlab: major"; else bad "gitlab: major"; fi

# Exact escaping of a GitHub annotation, checked by eye once and pinned here.
run --format github 'migrations/we,ird:na&me <x>.sql'
want='::error file=migrations/we%2Cird%3Ana&me <x>.sql,line=3,col=1,endLine=3,endColumn=1,title=syntax-error::syntax error at or near ")"%0Ahelp: '
if [ "$(head -c ${#want} out)" = "$want" ]; then ok "github: property escaping"; else bad "github: property escaping"; cat out; fi
run --format github migrations/quotes.sql
if grep -qF "::syntax error at or near \"'y,z:%25\"<&>'\"%0Ahelp:" out; then ok "github: message escaping"; else bad "github: message escaping"; cat out; fi

# Fingerprints are stable from run to run.
run --format gitlab ./migrations && cp out gitlab1
run --format gitlab ./migrations
if cmp -s out gitlab1; then ok "gitlab: stable output"; else bad "gitlab: stable output"; fi

# The same finding twice still gets two fingerprints.
printf 'SELECT * FROM t WHERE a = '\''x'\'' '\''y'\'';\n' > dup.sql
run --format gitlab dup.sql dup.sql && cp out dup.gitlab
run --format json dup.sql dup.sql && cp out dup.json
if "$PY" "$CHECK" gitlab dup.gitlab dup.json; then ok "gitlab: unique fingerprints for repeats"; else bad "gitlab: unique fingerprints for repeats"; fi

# A clean run: empty lists, one passing JUnit test, exit 0.
for fmt in json sarif gitlab junit github; do
	rc=0
	"$BIN" lint --format "$fmt" migrations/clean.sql > "clean.$fmt" || rc=$?
	[ "$rc" -eq 0 ] || bad "clean $fmt exits $rc"
done
for fmt in sarif gitlab junit github; do
	if "$PY" "$CHECK" "$fmt" "clean.$fmt" clean.json; then ok "clean: $fmt"; else bad "clean: $fmt"; fi
done
if [ ! -s clean.github ]; then ok "clean: no annotations"; else bad "clean: no annotations"; fi

# The JUnit report also parses with libxml2 when it is installed.
if command -v xmllint > /dev/null; then
	if xmllint --noout report.junit; then ok "junit: xmllint"; else bad "junit: xmllint"; fi
fi

echo "formats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
