# Shared helpers for the project's scripts. Source it; do not run it.
# Every path below lives under the project's data folder, so one checkout's
# engine state, database and staged files never mix with another's.

set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${MODELUPLOADS_DATA:-$PROJECT_ROOT/.data}"
LOG_DIR="$DATA_DIR/logs"
PG_PORT="${MODELUPLOADS_PG_PORT:-54329}"
PG_DATA="$DATA_DIR/postgres"
PG_SOCKET_DIR="$DATA_DIR/postgres-socket"
PG_PASSWORD_FILE="$DATA_DIR/secrets/postgres-password"
PG_DATABASE="modeluploads"
PG_BIN="${MODELUPLOADS_PG_BIN:-}"

mkdir -p "$DATA_DIR" "$LOG_DIR"

say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Installs the Debian packages named in the arguments that are not installed yet.
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1 \
      || die "apt-get install ${missing[*]} failed; see $LOG_DIR/apt.log"
  fi
}

# Prints the Debian archive URI that the machine's apt sources use, so that
# images are bootstrapped from the same mirror as the host's packages.
debian_mirror() {
  local uri=""
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri="$(awk '
      /^URIs:/ { uris = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) main = 1 }
      /^$/ { if (main && uris != "" && uris !~ /security/) { print uris; exit } uris = ""; main = 0 }
      END { if (main && uris != "" && uris !~ /security/) print uris }
    ' "$file" | head -n 1)"
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ && $3 !~ /-/ { print $2; exit }' /etc/apt/sources.list)"
  fi
  [ -n "$uri" ] || die "found no Debian archive in /etc/apt/sources.list or /etc/apt/sources.list.d; add one"
  printf '%s\n' "$uri"
}

engine_answers() { docker info >/dev/null 2>&1; }

# Whether a dockerd whose PID the scripts recorded is alive.
engine_started_here() { [ -f "$DATA_DIR/dockerd.pid" ] && kill -0 "$(cat "$DATA_DIR/dockerd.pid")" 2>/dev/null; }

# Starts Debian's dockerd without a bridge or iptables rules where no engine
# responds. Sandboxes run with network "none", so they need neither.
ensure_engine() {
  if engine_answers; then
    return
  fi
  ensure_packages docker.io
  if ! engine_answers; then
    say "starting dockerd (no bridge, no iptables); log: $LOG_DIR/dockerd.log"
    nohup dockerd --bridge=none --iptables=false --ip6tables=false \
      >"$LOG_DIR/dockerd.log" 2>&1 &
    echo $! >"$DATA_DIR/dockerd.pid"
    for _ in $(seq 1 60); do
      engine_answers && break
      sleep 0.5
    done
  fi
  engine_answers || die "the Docker engine did not respond within 30 s; see $LOG_DIR/dockerd.log"
}

find_pg_bin() {
  if [ -n "$PG_BIN" ]; then
    return
  fi
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && PG_BIN="$candidate"
  done
  if [ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(readlink -f "$(command -v initdb)")")"
  fi
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_answers() {
  PGPASSWORD="$(cat "$PG_PASSWORD_FILE" 2>/dev/null)" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

# Creates (once) and starts a private PostgreSQL cluster on 127.0.0.1 owned by
# the postgres user, with a generated password kept in the data folder.
ensure_postgres() {
  find_pg_bin
  if [ -z "$PG_BIN" ]; then
    ensure_packages postgresql
    find_pg_bin
  fi
  command -v psql >/dev/null 2>&1 || ensure_packages postgresql-client
  [ -n "$PG_BIN" ] || die "no PostgreSQL server binaries found after installing postgresql"
  id postgres >/dev/null 2>&1 || die "the postgres user is missing; install the postgresql package"

  if [ ! -s "$PG_PASSWORD_FILE" ]; then
    mkdir -p "$(dirname "$PG_PASSWORD_FILE")"
    chmod 700 "$(dirname "$PG_PASSWORD_FILE")"
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PG_PASSWORD_FILE"
    chmod 600 "$PG_PASSWORD_FILE"
  fi

  mkdir -p "$PG_SOCKET_DIR"
  chown postgres:postgres "$PG_SOCKET_DIR"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    chown postgres:postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
    local password_copy
    password_copy="$(mktemp)"
    cp "$PG_PASSWORD_FILE" "$password_copy"
    chown postgres "$password_copy"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=scram-sha-256 \
      --pwfile="$password_copy" -E UTF8 >"$LOG_DIR/initdb.log" 2>&1 \
      || { rm -f "$password_copy"; die "initdb failed; see $LOG_DIR/initdb.log"; }
    rm -f "$password_copy"
  fi

  if ! pg_answers; then
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT; log: $LOG_DIR/postgres.log"
    touch "$LOG_DIR/postgres.log"
    chown postgres "$LOG_DIR/postgres.log"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_SOCKET_DIR" \
      start >/dev/null || die "PostgreSQL did not start; see $LOG_DIR/postgres.log"
  fi

  local exists
  exists="$(PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" psql -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -d postgres -Atqc "select 1 from pg_database where datname = '$PG_DATABASE'")"
  if [ "$exists" != "1" ]; then
    PGPASSWORD="$(cat "$PG_PASSWORD_FILE")" createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DATABASE"
  fi
}

pg_connection_string() {
  local database="${1:-$PG_DATABASE}"
  printf 'Host=127.0.0.1;Port=%s;Username=postgres;Password=%s;Database=%s' \
    "$PG_PORT" "$(cat "$PG_PASSWORD_FILE")" "$database"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is missing; install it so that dotnet is on PATH"
}

ensure_runtime_images() {
  local versions="${MODELUPLOADS_RUNTIMES:-3.11}"
  ensure_packages debootstrap
  for version in $versions; do
    "$PROJECT_ROOT/sandbox/build-image.sh" "$version"
  done
}

# Everything the run and test commands need before .NET starts.
prepare_machine() {
  ensure_dotnet
  ensure_packages ca-certificates curl
  command -v python3 >/dev/null 2>&1 || ensure_packages python3
  ensure_engine
  ensure_postgres
  ensure_runtime_images
}

# Installs Debian's Chromium and its ChromeDriver, which the browser tests drive headless
# from /usr/bin/chromium and /usr/bin/chromedriver, so nothing downloads a browser of its own.
ensure_browser() {
  ensure_packages chromium chromium-driver
}

SILO_DLL="$PROJECT_ROOT/silo/bin/Release/net10.0/ModelUploads.Silo.dll"

# Runs the silo's data tools (generate-data, stage-features) from the Release build.
silo_tool() { dotnet "$SILO_DLL" "$@"; }

# The silo process the scripts start: its PID file, storage root and log. The benchmark
# command points them elsewhere to run a silo of its own beside the run command's.
SILO_PID_FILE="${SILO_PID_FILE:-$DATA_DIR/silo.pid}"
SILO_STORE="${SILO_STORE:-$DATA_DIR/store}"
SILO_LOG="${SILO_LOG:-$LOG_DIR/silo.log}"

stop_silo() {
  local pid_file="$SILO_PID_FILE"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    say "stopping the silo started earlier (PID $(cat "$pid_file"))"
    kill "$(cat "$pid_file")"
    for _ in $(seq 1 60); do
      kill -0 "$(cat "$pid_file")" 2>/dev/null || break
      sleep 0.5
    done
  fi
  rm -f "$pid_file"
}

# Starts the silo with the co-hosted gateway on 127.0.0.1:PORT and waits for /health.
# Settings in the environment (Cluster__SiloPort, Sandbox__Slots, ...) reach the silo too.
start_silo() {
  local port="$1" connection="$2"
  stop_silo
  say "starting the silo; log: $SILO_LOG"
  ConnectionStrings__Postgres="$connection" \
  Storage__Root="$SILO_STORE" \
  Urls="http://127.0.0.1:$port" \
    nohup dotnet "$SILO_DLL" >"$SILO_LOG" 2>&1 &
  echo $! >"$SILO_PID_FILE"
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return
    kill -0 "$(cat "$SILO_PID_FILE")" 2>/dev/null || { tail -n 40 "$SILO_LOG"; die "the silo exited; see $SILO_LOG"; }
    sleep 0.5
  done
  die "the silo did not respond on port $port within 60 s; see $SILO_LOG"
}
