#!/usr/bin/env bash
# Builds the sandbox runtime image for one Python version, from Debian packages
# only: debootstrap a minimal root from the machine's own apt mirror, trim it,
# `docker import` it as the base image, then add runner.py in a thin layer.
#
# Usage: sandbox/build-image.sh 3.11
#
# The base image is tagged with a hash of its recipe (runtimes/VERSION.conf and
# the trimming steps below), and the runtime image with a hash of the base tag
# and runner.py, so each is rebuilt only when what it is made of changes.
# The runtime image is also tagged modeluploads-runtime:pyVERSION, which is the
# name the silo runs.

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

version="${1:?usage: build-image.sh PYTHON_VERSION (for example 3.11)}"
recipe="$PROJECT_ROOT/sandbox/runtimes/$version.conf"
runner="$PROJECT_ROOT/sandbox/runner.py"
[ -f "$recipe" ] || die "no recipe for Python $version: expected $recipe"

suite="$(sed -n 's/^suite=//p' "$recipe")"
packages="$(sed -n 's/^packages=//p' "$recipe")"
[ -n "$suite" ] && [ -n "$packages" ] || die "$recipe must set suite= and packages="

# The uid and gid every sandbox process runs as. It owns nothing in the image.
SANDBOX_UID=10001

recipe_hash="$(cat "$recipe" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)"
base_tag="modeluploads-base:py$version-$recipe_hash"
runner_hash="$(printf '%s\n' "$base_tag" | cat - "$runner" | sha256sum | cut -c1-12)"
runtime_tag="modeluploads-runtime:py$version-$runner_hash"
latest_tag="modeluploads-runtime:py$version"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

trim_root() {
  local root="$1"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/log/* "$root"/usr/include/*
  # Test suites are dropped, except numpy's core tests: numpy 2's numpy.testing imports
  # numpy._core.tests._natype, and scipy.sparse, scikit-learn and xgboost import numpy.testing.
  find "$root/usr/lib" -name '__pycache__' -prune -o -path '*/numpy/_core/tests' -prune \
    -o -name 'tests' -path '*python3*' -type d -print0 \
    | xargs -0 -r rm -rf
  # No setuid or setgid programs: no-new-privileges already disarms them, and this is a second layer.
  find "$root" -xdev -type f -perm /6000 -exec chmod ug-s {} +
  # The sandbox user; a non-root uid with no home and no shell.
  echo "sandbox:x:$SANDBOX_UID:$SANDBOX_UID:sandbox:/nonexistent:/usr/sbin/nologin" >>"$root/etc/passwd"
  echo "sandbox:x:$SANDBOX_UID:" >>"$root/etc/group"
  mkdir -p "$root/input" "$root/output" "$root/opt/modeluploads"
}

build_base() {
  local mirror work
  mirror="$(debian_mirror)"
  work="$(mktemp -d "$DATA_DIR/debootstrap.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  say "building $base_tag: debootstrap $suite with $packages (log: $LOG_DIR/debootstrap-$version.log)"
  debootstrap --variant=minbase --include="$packages" "$suite" "$work/root" "$mirror" \
    >"$LOG_DIR/debootstrap-$version.log" 2>&1 \
    || die "debootstrap of $suite failed; see $LOG_DIR/debootstrap-$version.log"
  trim_root "$work/root"
  tar -C "$work/root" --numeric-owner -c . \
    | docker import \
      --change "ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1" \
      --change "LABEL modeluploads.python=$version modeluploads.suite=$suite" \
      - "$base_tag" >/dev/null
}

build_runtime() {
  local container
  say "building $runtime_tag from $base_tag"
  container="$(docker create --network none "$base_tag" /bin/true)"
  docker cp "$runner" "$container:/opt/modeluploads/runner.py"
  docker commit \
    --change "LABEL modeluploads.runtime=py$version modeluploads.python=$version" \
    --change "WORKDIR /tmp" \
    --change "USER $SANDBOX_UID:$SANDBOX_UID" \
    --change 'CMD ["python3", "/opt/modeluploads/runner.py"]' \
    "$container" "$runtime_tag" >/dev/null
  docker rm "$container" >/dev/null
}

image_exists "$base_tag" || build_base
image_exists "$runtime_tag" || build_runtime
docker tag "$runtime_tag" "$latest_tag"
say "runtime image ready: $latest_tag ($runtime_tag)"
