# Suppression comments end to end:
#   -- migrate-gate: ignore rule-a,rule-b -- reason   (line before, or end of the statement)
#   -- migrate-gate: ignore-file [rule-a,...] [-- reason]
# A bare ignore-file is never silent: an ignore-file finding and a note. The JSON
# summary counts what was suppressed.
set -euo pipefail

. "$(dirname "$0")/lib/harness.sh"
show_failure() {
	echo "    findings: $(found | tr '\n' ',') suppressed: $(summary suppressed 2> /dev/null)"
	sed 's/^/    err: /' err | head -10
}
CIN=create-index-non-concurrent
DT=drop-table

# Lints to JSON (out) and keeps the exit status.
lint_json() {
	local rc=0
	"$BIN" lint --color never --format json "$@" > out 2> err || rc=$?
	echo "$rc" > rc
}
rc_is() { [ "$(cat rc)" = "$1" ]; }
# "rule line" of every finding of the rules used here, sorted, one per line (other rules
# fire on these statements too, e.g. require-lock-timeout; they are not what is tested).
found() {
	python3 -c "import json; r = json.load(open('out')); print('\n'.join(sorted(f\"{f['rule']} {f['line']}\"
		for f in r['findings'] if f['rule'] in ('$CIN', '$DT', 'ignore-file'))))"
}
findings_are() { [ "$(found)" = "$(printf '%s\n' "$@" | sort)" ]; }
summary() { python3 -c "import json; print(json.load(open('out'))['summary']['$1'])"; }
notes() { python3 -c "import json; print('\n'.join(json.load(open('out'))['notes']))"; }
count_findings() { # JSON report; ignore-file findings do not count
	python3 -c "import json; print(sum(f['rule'] != 'ignore-file' for f in json.load(open('$1'))['findings']))"
}
# The summary's suppressed count is what the file's directives hide: the findings the
# file gives with its directives cut out, less those it gives with them.
suppressed_is_hidden() { # file
	sed 's/-- migrate-gate:.*$//' "$1" > stripped.sql
	"$BIN" lint --format json --fail-on never stripped.sql > stripped.json 2> /dev/null
	local want=$(($(count_findings stripped.json) - $(count_findings out)))
	[ "$want" -gt 0 ] && [ "$(summary suppressed)" = "$want" ]
}

cat > before.sql << 'EOF'
-- migrate-gate: ignore create-index-non-concurrent -- the table has 12 rows
CREATE INDEX a ON t (a);
CREATE INDEX b ON t (b);
EOF
lint_json before.sql
check "line before: suppresses its statement only" findings_are "$CIN 3"
check "line before: one suppressed in the summary" [ "$(summary suppressed)" = 1 ]
check "line before: suppressed is what the comment hid" suppressed_is_hidden before.sql
check "line before: exit 1 for the statement it does not cover" rc_is 1

cat > trailing.sql << 'EOF'
CREATE INDEX a ON t (a); -- migrate-gate: ignore create-index-non-concurrent -- tiny table
CREATE INDEX b ON t (b);
CREATE INDEX c
  ON t (c);  -- migrate-gate: ignore create-index-non-concurrent
CREATE INDEX d ON t (d);
EOF
lint_json trailing.sql
check "end of statement: suppresses that statement, not the next one" findings_are "$CIN 2" "$CIN 5"
check "end of statement: on the last line of a multi-line statement" [ "$(summary suppressed)" = 2 ]
check "end of statement: suppressed is what the comments hid" suppressed_is_hidden trailing.sql

cat > other_rule.sql << 'EOF'
-- migrate-gate: ignore drop-table
CREATE INDEX a ON t (a);
-- migrate-gate: ignore create-index-non-concurrent, drop-table -- both
CREATE INDEX b ON t (b);
-- migrate-gate: ignore -- every rule, for this statement
DROP TABLE old;
DROP TABLE older;
-- migrate-gate: ignroe create-index-non-concurrent
CREATE INDEX c ON t (c);
EOF
lint_json other_rule.sql
check "ignore names a rule: others are still reported" findings_are "$CIN 2" "$DT 7" "$CIN 9"
check "bare ignore covers every rule; a misspelt one suppresses nothing" suppressed_is_hidden other_rule.sql
check "bare ignore: a note with its file and line" grep -q '^other_rule.sql:5: a bare ignore comment hides every rule but syntax-error' <(notes)
check "bare ignore: one note, none for the named ignores" [ "$(notes | grep -c 'bare ignore comment')" = 1 ]

# A bare ignore cannot hide a statement that PostgreSQL rejects; one naming syntax-error can.
cat > bare_syntax.sql << 'EOF'
-- migrate-gate: ignore -- reviewed
CREATE TABLE (id int);
SELEC 1; -- migrate-gate: ignore
-- migrate-gate: ignore syntax-error -- on purpose
SELEC 2;
EOF
lint_json bare_syntax.sql
syntax_lines() { python3 -c "import json; print(*[f['line'] for f in json.load(open('out'))['findings'] if f['rule'] == 'syntax-error'])"; }
check "bare ignore: syntax errors are still reported" [ "$(syntax_lines)" = "2 3" ]
check "bare ignore: a syntax error fails the gate" rc_is 1
check "bare ignore: one note per bare comment" [ "$(notes | grep -c 'bare ignore comment')" = 2 ]

cat > in_string.sql << 'EOF'
SELECT '-- migrate-gate: ignore-file', $$
-- migrate-gate: ignore-file
$$;
CREATE INDEX d ON t (d); SELECT '-- migrate-gate: ignore create-index-non-concurrent';
EOF
lint_json in_string.sql
check "a directive inside a string or dollar quote is not a directive" findings_are "$CIN 4"
check "a directive inside a string suppresses nothing" [ "$(summary suppressed)" = 0 ]

cat > file_rules.sql << 'EOF'
CREATE INDEX a ON t (a);
-- migrate-gate: ignore-file create-index-non-concurrent -- built before launch, tables are empty
CREATE INDEX b ON t (b);
DROP TABLE old;
EOF
lint_json file_rules.sql
check "ignore-file with rules: those rules, everywhere in the file" findings_are "$DT 4"
check "ignore-file with rules: counted as suppressed" [ "$(summary suppressed)" = 2 ]
check "ignore-file with rules: suppressed is what it hid" suppressed_is_hidden file_rules.sql
check "ignore-file with rules: no note" [ -z "$(notes)" ]

cat > bare.sql << 'EOF'
-- migrate-gate: ignore-file
CREATE INDEX a ON t (a);
DROP TABLE old;
EOF
lint_json bare.sql
check "bare ignore-file: an ignore-file finding" findings_are "ignore-file 1"
check "bare ignore-file: a note naming the file" sh -c "python3 -c \"import json; print(json.load(open('out'))['notes'])\" | grep -q bare.sql"
check "bare ignore-file: what it hid is counted" suppressed_is_hidden bare.sql
check "bare ignore-file: passes at the default --fail-on" rc_is 0
n_bare=$(summary suppressed)
lint_json --fail-on info bare.sql
check "bare ignore-file: fails at --fail-on info" rc_is 1
rc=0
"$BIN" lint --color never bare.sql > text 2> err || rc=$?
check "bare ignore-file in text: the finding is shown" grep -q '^bare.sql:1:1: info \[ignore-file\]' text
check "bare ignore-file in text: the note is shown" grep -q '^note: .*bare.sql' text err
check "bare ignore-file in text: the summary counts the suppressed" grep -q "$n_bare suppressed" text
# A bare ignore-file cannot hide a statement PostgreSQL rejects either; one naming syntax-error can.
printf -- '-- migrate-gate: ignore-file\nCREATE INDEX a ON t (a);\nSELEC 1;\n' > bare_file_syntax.sql
lint_json bare_file_syntax.sql
check "bare ignore-file: a syntax error is still reported" [ "$(syntax_lines)" = 3 ]
check "bare ignore-file: a syntax error fails the gate" rc_is 1
printf -- '-- migrate-gate: ignore-file syntax-error -- generated on purpose\nSELEC 1;\n' > file_syntax.sql
lint_json file_syntax.sql
check "ignore-file naming syntax-error hides it" [ -z "$(syntax_lines)" ]
printf -- '-- migrate-gate: ignore-file\nSELECT 1;\n' > bare_nothing.sql
lint_json bare_nothing.sql
check "bare ignore-file hiding nothing is still reported" findings_are "ignore-file 1"

# Suppressions apply per file, and the summary adds them up.
lint_json bare.sql before.sql
check "two files: each file's comments apply to it alone" findings_are "ignore-file 1" "$CIN 3"
check "two files: suppressed adds up" [ "$(summary suppressed)" = $((n_bare + 1)) ]

# A directive that cannot be read, or names no rule, is never silently ignored.
printf -- '-- migrate-gate: ignroe create-index-non-concurrent\nCREATE INDEX a ON t (a);\n' > typo.sql
lint_json typo.sql
check "misspelt directive: the finding stays" findings_are "$CIN 2"
check "misspelt directive: a note says it was ignored" sh -c "python3 -c \"import json; print(json.load(open('out'))['notes'])\" | grep -q \"unreadable directive 'ignroe\""
printf -- '-- migrate-gate: ignore create-index-non-concurent\nCREATE INDEX a ON t (a);\n' > unknown.sql
lint_json unknown.sql
check "unknown rule in an ignore: the finding stays" findings_are "$CIN 2"
check "unknown rule in an ignore: a note names it" sh -c "python3 -c \"import json; print(json.load(open('out'))['notes'])\" | grep -q \"unknown rule 'create-index-non-concurent'\""

finish
