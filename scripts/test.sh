#!/usr/bin/env bash
# The test command: the same machine set-up as the run command, then every
# test project. Integration tests use the real Docker engine, the private
# PostgreSQL cluster (each test class makes its own database) and the runtime
# images. The last line is "N passed, N failed, N skipped", summed over the
# test projects' TRX results.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export MODELUPLOADS_RUNTIMES="${MODELUPLOADS_RUNTIMES:-3.11 3.13}"
RESULTS="$DATA_DIR/test-results"

prepare_machine
ensure_browser
say "building the solution"
dotnet build "$PROJECT_ROOT/ModelUploads.sln" -c Release -v quiet -nologo >"$LOG_DIR/build.log" 2>&1 \
  || { tail -n 30 "$LOG_DIR/build.log"; die "the build failed; see $LOG_DIR/build.log"; }

rm -rf "$RESULTS"
export MODELUPLOADS_TEST_POSTGRES="$(pg_connection_string postgres)"
export MODELUPLOADS_TEST_ROOT="$DATA_DIR/test-work"
mkdir -p "$MODELUPLOADS_TEST_ROOT"

say "running the tests"
status=0
dotnet test "$PROJECT_ROOT/ModelUploads.sln" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" || status=$?

passed=0 failed=0 skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  count() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # dotnet test failed without a failed test: a crash or a missing result file.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
