#!/usr/bin/env bash
# The run command: set up the machine, start the silo (which co-hosts the
# gateway), and run the main job through the HTTP API: train a small real
# model inside the runtime image, cloudpickle it, upload it and follow its
# run to Success. The service stays up afterwards.
#
# Settings (environment): MODELUPLOADS_DATA (default .data), MODELUPLOADS_PORT
# (HTTP port, default 5080), MODELUPLOADS_PG_PORT (default 54329),
# MODELUPLOADS_RUNTIMES (Python versions to build, default "3.11 3.13").

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export MODELUPLOADS_RUNTIMES="${MODELUPLOADS_RUNTIMES:-3.11 3.13}"
PORT="${MODELUPLOADS_PORT:-5080}"
URL="http://127.0.0.1:$PORT"

prepare_machine
say "building the solution"
dotnet build "$PROJECT_ROOT/ModelUploads.sln" -c Release -v quiet -nologo >"$LOG_DIR/build.log" 2>&1 \
  || { tail -n 30 "$LOG_DIR/build.log"; die "the build failed; see $LOG_DIR/build.log"; }

start_silo "$PORT" "$(pg_connection_string)"
"$PROJECT_ROOT/scripts/demo.sh" "$URL"
say "the service is running at $URL (silo PID $(cat "$SILO_PID_FILE"), log $SILO_LOG); stop it with: kill $(cat "$SILO_PID_FILE")"
