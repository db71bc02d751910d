#!/usr/bin/env bash
# Bring up a private Podman service (Docker-compatible API) for deploybisect's Podman test (idempotent).
#
# - installs Debian's podman when missing (needs root + apt)
# - writes a private containers.conf (CONTAINERS_CONF) with `default_ulimits = []`: Podman's default
#   open-files limit is above the hard limit of these machines, and containers fail to start with it;
#   and `netns = "host"`, so no bridge network or firewall rule is ever made
# - starts `podman system service` on a private socket with its own storage and run roots
# - waits until the service answers, reuses one that already does
#
# Prints the DOCKER_HOST to use on its last line: unix:///.../podman.sock
set -euo pipefail

DIR="${DEPLOYBISECT_PODMAN_DIR:-/var/tmp/deploybisect-podman}"
SOCK="$DIR/podman.sock"
HOST="unix://$SOCK"

LOG_PREFIX=podman-engine
# shellcheck source=scripts/engine-common.sh
. "$(dirname "$0")/engine-common.sh"

need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v curl >/dev/null 2>&1 || need+=(curl)
install_missing ${need[@]+"${need[@]}"}

if [ -S "$SOCK" ] && answers; then
  log "reusing the Podman service at $HOST"
  echo "$HOST"
  exit 0
fi

mkdir -p "$DIR"
cat >"$DIR/containers.conf" <<'EOF'
# Written by deploybisect's scripts/podman-engine.sh for its private Podman service.
[containers]
# The hard open-files limit here is lower than Podman's default; containers would not start.
default_ulimits = []
# No bridge network and no firewall rules: containers share the host's network (or none).
netns = "host"
EOF

if ! { [ -f "$DIR/podman.pid" ] && alive "$(cat "$DIR/podman.pid")"; }; then
  rm -f "$SOCK"
  log "starting podman system service (storage $DIR/storage, log $DIR/podman.log)"
  CONTAINERS_CONF="$DIR/containers.conf" nohup setsid podman \
    --root "$DIR/storage" --runroot "$DIR/run" \
    system service --time=0 "$HOST" \
    >"$DIR/podman.log" 2>&1 </dev/null &
  echo $! >"$DIR/podman.pid"
fi

for _ in $(seq 1 120); do
  if answers; then
    log "Podman service ready at $HOST"
    echo "$HOST"
    exit 0
  fi
  sleep 0.5
done
log "podman system service did not answer within 60s; last lines of its log:"
tail -n 20 "$DIR/podman.log" >&2 || true
exit 1
