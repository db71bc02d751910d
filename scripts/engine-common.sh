# Shared by scripts/docker-engine.sh and scripts/podman-engine.sh (sourced, not run).
# The caller sets LOG_PREFIX and SOCK.

log() { echo "$LOG_PREFIX: $*" >&2; }

# A pid that names a live process (a zombie left by a killed engine does not count).
alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ')"
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

# The engine on $SOCK answers its ping.
answers() {
  curl -sf --max-time 3 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

# install_missing PACKAGE... : installs the Debian packages given (needs root and apt).
install_missing() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing packages ($*) and not root: install them with apt-get"; exit 1
  fi
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
