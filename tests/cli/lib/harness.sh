# Shared by the tests/cli scripts (sourced, not a test itself): the binary, a
# scratch folder to work in, and check LABEL COMMAND... counting passes and
# failures; finish prints the tally and fails when anything failed. A script
# may define show_failure to print context when a check fails.
# Everything left in the scratch folder is copied to $TEST_OUTPUTS on exit
# (tests/lib/outputs.sh), where the suite-wide secret check reads it.
BIN=${MIGRATE_GATE_BIN:?set MIGRATE_GATE_BIN to the migrate-gate binary}
unset GITHUB_ACTIONS NO_COLOR MIGRATE_GATE_FORMAT MIGRATE_GATE_FAIL_ON
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/outputs.sh"

tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp"; keep_outputs "$tmp"; rm -rf "$tmp"' EXIT
cd "$tmp"
passed=0
failed=0

check() { # label, then a command that must succeed
	local label=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok: $label"
	else
		failed=$((failed + 1))
		echo "FAIL: $label"
		if declare -F show_failure > /dev/null; then show_failure; fi
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}
