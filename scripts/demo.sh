#!/usr/bin/env bash
# The main job against a running gateway at URL. It gets an administrator key
# and opens a round from the synthetic live file if none is open. Then it
# trains an xgboost model inside the runtime image, cloudpickles it, uploads it
# and follows its run until it ends. Exits non-zero unless the run reaches Success.
#
# The administrator key is kept in $DATA_DIR/secrets/admin-key (mode 0600).
# When that file is missing, or its key no longer works (for example after
# the database was recreated), the silo's create-admin command makes a new
# administrator. The command reaches the running silo on the default Orleans
# gateway port, which is where scripts/run.sh starts it.
#
# Usage: scripts/demo.sh http://127.0.0.1:5080

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL="${1:?usage: demo.sh GATEWAY_URL}"
PYTHON_VERSION="${MODELUPLOADS_DEMO_PYTHON:-3.11}"
DATASET="$DATA_DIR/dataset"
WORK="$DATA_DIR/demo"
mkdir -p "$WORK"

ADMIN_KEY_FILE="$DATA_DIR/secrets/admin-key"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# Prints the HTTP status of GET /api/models with the key in $1.
key_status() {
  curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Token $1" "$URL/api/models"
}

ADMIN_KEY=""
if [ -s "$ADMIN_KEY_FILE" ]; then
  ADMIN_KEY="$(cat "$ADMIN_KEY_FILE")"
  status="$(key_status "$ADMIN_KEY")"
  if [ "$status" = "401" ]; then
    say "the administrator key in $ADMIN_KEY_FILE is not valid on this gateway; creating a new administrator"
    ADMIN_KEY=""
  elif [ "$status" != "200" ]; then
    die "GET $URL/api/models returned HTTP $status with the stored administrator key; check the gateway's log"
  fi
fi
if [ -z "$ADMIN_KEY" ]; then
  say "creating the first administrator with the silo's create-admin command"
  created="$(ConnectionStrings__Postgres="$(pg_connection_string)" silo_tool create-admin demo-admin)" \
    || die "create-admin failed"
  ADMIN_KEY="$(printf '%s\n' "$created" | sed -n 's/^api key: //p')"
  [ -n "$ADMIN_KEY" ] || die "create-admin printed no key"
  mkdir -p "$(dirname "$ADMIN_KEY_FILE")"
  chmod 700 "$(dirname "$ADMIN_KEY_FILE")"
  (umask 077 && printf '%s\n' "$ADMIN_KEY" >"$ADMIN_KEY_FILE")
  chmod 600 "$ADMIN_KEY_FILE"
  say "stored the administrator key in $ADMIN_KEY_FILE"
fi

# curl with the administrator key; every endpoint but /health needs a key.
api() { curl -fsS -H "Authorization: Token $ADMIN_KEY" "$@"; }

if [ ! -f "$DATASET/live.parquet" ]; then
  say "generating the synthetic dataset (5,000 live rows, 300 features) in $DATASET"
  silo_tool generate-data "$DATASET" --live-rows 5000 --features 300 >/dev/null
fi

if ! api "$URL/api/rounds/current" >/dev/null 2>&1; then
  say "opening a round from $DATASET/live.parquet"
  api -X POST "$URL/api/rounds" -H 'content-type: application/json' \
    -d "{\"liveFile\": \"$DATASET/live.parquet\"}" >/dev/null
fi
round="$(api "$URL/api/rounds/current" | json_field '["number"]')"

say "training an xgboost model inside modeluploads-runtime:py$PYTHON_VERSION"
rm -rf "$WORK/train" "$WORK/model"
silo_tool stage-features "$DATASET/train.parquet" "$WORK/train" >/dev/null
mkdir -p "$WORK/model"
chmod 777 "$WORK/model"
docker run --rm --network none --user 10001:10001 \
  -v "$WORK/train:/input:ro" -v "$WORK/model:/output" \
  -v "$PROJECT_ROOT/sandbox/examples:/examples:ro" \
  "modeluploads-runtime:py$PYTHON_VERSION" python3 /examples/train_model.py --model xgboost >&2

model_id="$(api -X POST "$URL/api/models" -H 'content-type: application/json' \
  -d "{\"name\": \"demo-$(date -u +%Y%m%d-%H%M%S)\"}" | json_field '["modelId"]')"
say "created model $model_id; uploading model.pkl for Python $PYTHON_VERSION"
run_id="$(api -X POST "$URL/api/models/$model_id/upload" \
  -F "file=@$WORK/model/model.pkl" -F "python_version=$PYTHON_VERSION" | json_field '["liveRunId"]')"
say "run $run_id for round $round started"

printed=0
for _ in $(seq 1 1200); do
  run="$(api "$URL/api/runs/$run_id")"
  # Print every status change not printed yet, so none is missed between two polls.
  printed="$(printf '%s' "$run" | python3 -c '
import json, sys
run, printed = json.load(sys.stdin), int(sys.argv[1])
for change in run["history"][printed:]:
    at, status, description = change["at"], change["status"], change["description"]
    print(f"{at}  {status:<10}  {description}", file=sys.stderr)
print(len(run["history"]))' "$printed")"
  status="$(printf '%s' "$run" | json_field '["status"]')"
  case "$status" in
    Success)
      rows="$(printf '%s' "$run" | json_field '["submission"]["rows"]')"
      say "Success: the submission for round $round has $rows rows; download it from $URL/api/models/$model_id/submissions/$round with the key in $ADMIN_KEY_FILE"
      exit 0 ;;
    Failed|Error)
      api "$URL/api/runs/$run_id/log" >&2 || true
      die "the run ended in $status" ;;
  esac
  sleep 0.5
done
die "the run did not finish within 10 minutes"
