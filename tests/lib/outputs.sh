# Where a test script keeps everything it produced (stdout, stderr, reports, logs,
# manifests), for the suite-wide secret check (tests/secret_grep.py runs after every
# test and fails when any line of tests/secrets.txt shows in any of it). Sourced by
# the shared harnesses (tests/cli/lib/harness.sh, tests/e2e/lib/check.sh); a script
# without one sources it itself:
#
#     . "$MIGRATE_GATE_SRC/tests/lib/outputs.sh"   # sets TEST_OUTPUTS, emptied now
#     ... write reports straight into "$TEST_OUTPUTS", or ...
#     keep_outputs "$work"                          # on exit: copy what a folder holds
#
# (tests/e2e/lib/check.sh keeps each mg_check's report and stderr, and what `keep` names.)
#
# TEST_OUTPUTS is $MIGRATE_GATE_OUTPUTS (ctest sets it to
# $MIGRATE_GATE_BUILD/test-outputs/<kind>/<name>), or the same path derived from the
# script's own. It is kept after the test, passed or failed.
# Inputs that hold a secret on purpose must stay outside it (and outside a folder
# given to keep_outputs): only what the gate printed or wrote is checked.

TEST_OUTPUTS=${MIGRATE_GATE_OUTPUTS:-${MIGRATE_GATE_BUILD:-$(pwd)}/test-outputs/$(basename "$(dirname "$0")")/$(basename "$0" .sh)}
rm -rf "$TEST_OUTPUTS"
mkdir -p "$TEST_OUTPUTS"

# keep_outputs DIR: copies the regular files under DIR into $TEST_OUTPUTS, keeping their
# relative paths. Files over 8 MB are generated inputs (large_input's big.sql), not
# output; they are left out.
keep_outputs() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -type f -size -8M -print0 | xargs -0 -r cp --parents -t "$TEST_OUTPUTS" 2>/dev/null) || true
}
