#!/usr/bin/env bash
# The main job against a running gateway at URL: open a round from the
# synthetic live file if none is open, train an xgboost model inside the
# runtime image, cloudpickle it, upload it, and follow its run until it ends.
# Exits non-zero unless the run reaches Success.
#
# Usage: scripts/demo.sh http://127.0.0.1:5080

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL="${1:?usage: demo.sh GATEWAY_URL}"
PYTHON_VERSION="${MODELUPLOADS_DEMO_PYTHON:-3.11}"
DATASET="$DATA_DIR/dataset"
WORK="$DATA_DIR/demo"
mkdir -p "$WORK"

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

if [ ! -f "$DATASET/live.parquet" ]; then
  say "generating the synthetic dataset (5,000 live rows, 300 features) in $DATASET"
  silo_tool generate-data "$DATASET" --live-rows 5000 --features 300 >/dev/null
fi

if ! curl -fsS "$URL/api/rounds/current" >/dev/null 2>&1; then
  say "opening a round from $DATASET/live.parquet"
  curl -fsS -X POST "$URL/api/rounds" -H 'content-type: application/json' \
    -d "{\"liveFile\": \"$DATASET/live.parquet\"}" >/dev/null
fi
round="$(curl -fsS "$URL/api/rounds/current" | json_field '["number"]')"

say "training an xgboost model inside modeluploads-runtime:py$PYTHON_VERSION"
rm -rf "$WORK/train" "$WORK/model"
silo_tool stage-features "$DATASET/train.parquet" "$WORK/train" >/dev/null
mkdir -p "$WORK/model"
chmod 777 "$WORK/model"
docker run --rm --network none --user 10001:10001 \
  -v "$WORK/train:/input:ro" -v "$WORK/model:/output" \
  -v "$PROJECT_ROOT/sandbox/examples:/examples:ro" \
  "modeluploads-runtime:py$PYTHON_VERSION" python3 /examples/train_model.py --model xgboost >&2

model_id="$(curl -fsS -X POST "$URL/api/models" -H 'content-type: application/json' \
  -d "{\"name\": \"demo-$(date -u +%Y%m%d-%H%M%S)\"}" | json_field '["modelId"]')"
say "created model $model_id; uploading model.pkl for Python $PYTHON_VERSION"
run_id="$(curl -fsS -X POST "$URL/api/models/$model_id/upload" \
  -F "file=@$WORK/model/model.pkl" -F "python_version=$PYTHON_VERSION" | json_field '["liveRunId"]')"
say "run $run_id for round $round started"

printed=0
for _ in $(seq 1 1200); do
  run="$(curl -fsS "$URL/api/runs/$run_id")"
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
      say "Success: the submission for round $round has $rows rows; download it from $URL/api/models/$model_id/submissions/$round"
      exit 0 ;;
    Failed|Error)
      curl -fsS "$URL/api/runs/$run_id/log" >&2 || true
      die "the run ended in $status" ;;
  esac
  sleep 0.5
done
die "the run did not finish within 10 minutes"
