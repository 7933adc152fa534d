#!/usr/bin/env bash
# Issue 6, item 16: bad input to check is exit 2 with one `error:` line and a `hint:` right
# after it, before any interpreter or server starts: a project folder without alembic.ini, an
# invalid production or scratch URL (the same code for both, and one line each, with the
# password masked), and a project without its versions folder (which used to pass, exit 0).
set -euo pipefail
. "$MIGRATE_GATE_SRC/tests/e2e/lib/check.sh"

mg_check no_project -C /nonexistent/project
expect_bad_input no_project 2 "'/nonexistent/project/alembic.ini'"
proj=$(private_copy clean_pass)
rm "$proj/alembic.ini"
mg_check no_ini -C "$proj"
expect_bad_input no_ini 2 "alembic.ini"

# The same bad URLs for production and for the scratch server: exit 2 both, one line each.
n=0
for bad in 'postgresql://u:Inval1d-Pw@h/db?no_such_option=1' "host=h password=Inval1d-Pw bogus"; do
	for which in production scratch; do
		name=bad_${which}_$((++n))
		mg_check "$name" -C "$FIXTURES/clean_pass" "--$which-url" "$bad"
		expect_bad_input "$name" 2 "invalid $which URL"
		grep -qF 'Inval1d-Pw' "$CHECK_WORK/$name.err" && fail "$name: the password shows"
		[ "$(grep -vc '^\(error\|hint\|warning\): ' "$CHECK_WORK/$name.err")" = 0 ] ||
			fail "$name: a line of stderr that is not error:, hint: or warning: (a newline in the message?)"
	done
done

# No versions folder: an error naming it, not a pass over zero revisions.
proj=$(private_copy clean_pass)
rm -r "$proj/versions"
mg_check no_versions -C "$proj"
expect_bad_input no_versions 2 "no versions folder: $proj/versions does not exist" "$proj"
check_done "usage errors of check: missing alembic.ini, invalid URLs, no versions folder"
