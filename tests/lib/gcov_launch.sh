#!/usr/bin/env bash
# The test launcher of scripts/coverage's build: every process of test NAME writes its gcov data
# under $MIGRATE_GATE_GCOV_DIR/NAME (slashes made underscores), so that the lines each test
# reaches can be told apart. Usage (by ctest): gcov_launch.sh NAME COMMAND...
name=${1//\//_}
shift
mkdir -p "${MIGRATE_GATE_GCOV_DIR:?set by scripts/coverage}/$name"
chmod 1777 "$MIGRATE_GATE_GCOV_DIR/$name" # some tests run the gate as another user
export GCOV_PREFIX=$MIGRATE_GATE_GCOV_DIR/$name GCOV_PREFIX_STRIP=0
exec "$@"
