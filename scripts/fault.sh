#!/usr/bin/env bash
# Fault injection for the fault tests, on the services this checkout's scripts
# started: stop-postgres, start-postgres, restart-engine. It acts only on the
# private PostgreSQL cluster under the data folder and on a dockerd whose PID
# the scripts recorded there.
#
# Usage: scripts/fault.sh stop-postgres|start-postgres|restart-engine

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  stop-postgres)
    find_pg_bin
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w >/dev/null
    say "PostgreSQL stopped"
    ;;
  start-postgres)
    ensure_postgres
    say "PostgreSQL started"
    ;;
  restart-engine)
    pid_file="$DATA_DIR/dockerd.pid"
    if [ ! -f "$pid_file" ] || ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      die "no dockerd started by this checkout's scripts is running (no live PID in $pid_file); restart-engine restarts only that one"
    fi
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && die "dockerd (PID $pid) did not stop within 60 s"
    rm -f "$pid_file"
    ensure_engine
    say "Docker engine restarted"
    ;;
  *)
    die "usage: fault.sh stop-postgres|start-postgres|restart-engine"
    ;;
esac
