#!/usr/bin/env bash
# Bring up a private Docker engine for deploybisect's tests (idempotent).
#
# - installs Debian's docker.io, busybox-static, curl and openssl when missing (needs root + apt)
# - starts dockerd on a private socket and data root with --bridge=none --iptables=false
#   (no bridge network exists: containers use --network host or none)
# - waits until the engine answers, reuses one that already does
#
# Prints the DOCKER_HOST to use on its last line: unix:///.../docker.sock
#
# DEPLOYBISECT_ENGINE_DATA_SIZE=400M gives the engine a data root of its own on a small ext4 file
# system (a loop-mounted image file in the engine's directory), for tests of a full disk.
# `docker-engine.sh --stop` stops the engine (and unmounts and removes such a file system).
set -euo pipefail

ENGINE_DIR="${DEPLOYBISECT_ENGINE_DIR:-/var/tmp/deploybisect-engine}"
SOCK="$ENGINE_DIR/docker.sock"
HOST="unix://$SOCK"

LOG_PREFIX=docker-engine
# shellcheck source=scripts/engine-common.sh
. "$(dirname "$0")/engine-common.sh"

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$ENGINE_DIR/dockerd.pid" ]; then
    pid="$(cat "$ENGINE_DIR/dockerd.pid")"
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 1; fi
    rm -f "$ENGINE_DIR/dockerd.pid"
  fi
  if mountpoint -q "$ENGINE_DIR/data" 2>/dev/null; then umount "$ENGINE_DIR/data" || umount -l "$ENGINE_DIR/data"; fi
  rm -f "$ENGINE_DIR/data.img" "$SOCK"
  log "stopped the engine at $HOST"
  exit 0
fi

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)   # the https probe test makes a self-signed certificate
install_missing ${need[@]+"${need[@]}"}

if [ -S "$SOCK" ] && answers; then
  log "reusing the engine at $HOST"
  echo "$HOST"
  exit 0
fi

mkdir -p "$ENGINE_DIR/data" "$ENGINE_DIR/exec"
if [ -n "${DEPLOYBISECT_ENGINE_DATA_SIZE:-}" ] && ! mountpoint -q "$ENGINE_DIR/data"; then
  log "making a ${DEPLOYBISECT_ENGINE_DATA_SIZE} ext4 file system for the data root ($ENGINE_DIR/data.img)"
  rm -rf "$ENGINE_DIR/data" && mkdir -p "$ENGINE_DIR/data"
  truncate -s "$DEPLOYBISECT_ENGINE_DATA_SIZE" "$ENGINE_DIR/data.img"
  mkfs.ext4 -q -F -m 0 "$ENGINE_DIR/data.img"
  mount -o loop "$ENGINE_DIR/data.img" "$ENGINE_DIR/data"
fi
# Stale pid files from a killed engine (and its managed containerd) would stop a new one from starting.
if [ -f "$ENGINE_DIR/dockerd.pid" ] && ! alive "$(cat "$ENGINE_DIR/dockerd.pid")"; then
  rm -f "$ENGINE_DIR/dockerd.pid" "$SOCK"
fi
containerd_pid="$ENGINE_DIR/exec/containerd/containerd.pid"
if [ -f "$containerd_pid" ] && ! alive "$(cat "$containerd_pid")"; then
  rm -f "$containerd_pid"
fi

if ! { [ -f "$ENGINE_DIR/dockerd.pid" ] && alive "$(cat "$ENGINE_DIR/dockerd.pid")"; }; then
  log "starting dockerd (data root $ENGINE_DIR/data, log $ENGINE_DIR/dockerd.log)"
  nohup setsid dockerd \
    --host "$HOST" \
    --data-root "$ENGINE_DIR/data" \
    --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$ENGINE_DIR/dockerd.pid" \
    --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
    >"$ENGINE_DIR/dockerd.log" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
  if answers; then
    log "engine ready at $HOST"
    echo "$HOST"
    exit 0
  fi
  sleep 0.5
done
log "dockerd did not answer within 60s; last lines of its log:"
tail -n 20 "$ENGINE_DIR/dockerd.log" >&2 || true
exit 1
