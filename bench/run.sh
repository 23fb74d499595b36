#!/usr/bin/env bash
# The benchmark command: set up the machine as the run command does, start a silo of
# its own on a new database, run the six benchmarks against it over loopback and
# rewrite docs/BENCHMARKS.md. The silo is stopped at the end. The run command's
# silo and database, if any, are left alone.
#
# Usage: bench/run.sh [REPORT_FILE]
# Settings (environment):
#   MODELUPLOADS_BENCH_SCALE  full (the default) or short
#   MODELUPLOADS_BENCH_ONLY   a comma-separated subset of upload, round, overhead,
#                             status, heavy and handoff (status needs overhead)
#   MODELUPLOADS_BENCH_PORT   HTTP port of the benchmark's silo, default 5090
#   and the run command's MODELUPLOADS_DATA and MODELUPLOADS_PG_PORT.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_ROOT/../scripts/lib.sh"

REPORT="$(realpath -m "${1:-$PROJECT_ROOT/docs/BENCHMARKS.md}")"
SCALE="${MODELUPLOADS_BENCH_SCALE:-full}"
PORT="${MODELUPLOADS_BENCH_PORT:-5090}"
BENCH_DATA="$DATA_DIR/bench"
DATABASE="modeluploads_bench"
BENCH_DLL="$BENCH_ROOT/bin/Release/net10.0/ModelUploads.Bench.dll"

export SILO_PID_FILE="$BENCH_DATA/silo.pid" SILO_STORE="$BENCH_DATA/store" SILO_LOG="$LOG_DIR/bench-silo.log"
# Ports of their own, so the run command's silo may keep running beside this one.
export Cluster__SiloPort=11131 Cluster__GatewayPort=30031 Cluster__ServiceId=modeluploads-bench
# One API key sends every request of the status benchmark, so its per-key limit is raised, because the default would reject most of them.
export RateLimits__PermitsPerMinute=10000000

prepare_machine
say "building the solution"
dotnet build "$PROJECT_ROOT/ModelUploads.sln" -c Release -v quiet -nologo >"$LOG_DIR/build.log" 2>&1 \
  || { tail -n 30 "$LOG_DIR/build.log"; die "the build failed; see $LOG_DIR/build.log"; }

stop_silo
say "recreating the database $DATABASE and $BENCH_DATA"
PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" dropdb -h 127.0.0.1 -p "$PG_PORT" -U postgres --if-exists "$DATABASE"
PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DATABASE"
rm -rf "$BENCH_DATA/store" "$BENCH_DATA/work"
mkdir -p "$BENCH_DATA/work" "$BENCH_DATA/cache"

# The work folder contains the datasets, the pickles (one of 1 GiB) and the baselines' outputs. The cache is kept.
finish() { stop_silo; rm -rf "$BENCH_DATA/work"; }
trap finish EXIT
start_silo "$PORT" "$(pg_connection_string "$DATABASE")"
created="$(ConnectionStrings__Postgres="$(pg_connection_string "$DATABASE")" silo_tool create-admin bench-admin)" \
  || die "create-admin failed"
MODELUPLOADS_BENCH_KEY="$(printf '%s\n' "$created" | sed -n 's/^api key: //p')"
[ -n "$MODELUPLOADS_BENCH_KEY" ] || die "create-admin printed no key"
export MODELUPLOADS_BENCH_KEY

say "running the benchmarks ($SCALE sizes); progress follows"
dotnet "$BENCH_DLL" --gateway "http://127.0.0.1:$PORT" --silo-pid "$(cat "$SILO_PID_FILE")" \
  --work "$BENCH_DATA/work" --cache "$BENCH_DATA/cache" --report "$REPORT" --scale "$SCALE" \
  ${MODELUPLOADS_BENCH_ONLY:+--only "$MODELUPLOADS_BENCH_ONLY"}
say "wrote $REPORT"
