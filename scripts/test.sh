#!/usr/bin/env bash
# The test command (`npm test`): builds the CLI, runs the code checks (types, layers, code shape,
# format, lint: `npm run check`), brings up the private Docker engines and the Podman service the
# integration and end-to-end tests need (scripts/docker-engine.sh, scripts/podman-engine.sh; the
# engine-loss test starts and kills one of its own), runs every test with vitest, and closes with
# one plain "N passed, N failed in XmYYs" line (the whole run's time). A failed check fails the run, after the tests have run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

if [ ! -d node_modules ]; then
  echo "test: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
# Debian's docker-compose (1.29) for the compose normaliser's cross-check (test/integration/compose-cli.test.ts).
command -v docker-compose >/dev/null 2>&1 || (LOG_PREFIX=test; . scripts/engine-common.sh; install_missing docker-compose)
# Debian's own python3 (with its standard library) for the Python image of the dependency e2e (test/helpers/python-image.ts).
[ -x /usr/bin/python3 ] || (LOG_PREFIX=test; . scripts/engine-common.sh; install_missing python3)
npm run --silent build
checks=0
npm run --silent typecheck || checks=1
npm run --silent check || checks=1
if [ "$checks" != 0 ]; then echo "test: the code checks failed (see above); the tests run anyway" >&2; fi

if [ -n "${DEPLOYBISECT_TEST_DOCKER_HOST:-}" ]; then
  export DOCKER_HOST="$DEPLOYBISECT_TEST_DOCKER_HOST"
else
  DOCKER_HOST="$(bash scripts/docker-engine.sh | tail -n 1)"
  export DOCKER_HOST
fi
echo "test: Docker engine at $DOCKER_HOST" >&2
# A second engine for the tests that spread a run over several engines (--docker-host twice).
if [ -z "${DEPLOYBISECT_TEST_DOCKER_HOST_2:-}" ]; then
  DEPLOYBISECT_TEST_DOCKER_HOST_2="$(DEPLOYBISECT_ENGINE_DIR=/var/tmp/deploybisect-engine-2 bash scripts/docker-engine.sh | tail -n 1)"
  export DEPLOYBISECT_TEST_DOCKER_HOST_2
fi
echo "test: second Docker engine at $DEPLOYBISECT_TEST_DOCKER_HOST_2" >&2
# Podman's Docker-compatible API, for the end-to-end run against Podman (test/e2e/podman.test.ts).
if [ -z "${DEPLOYBISECT_TEST_PODMAN_HOST:-}" ]; then
  DEPLOYBISECT_TEST_PODMAN_HOST="$(bash scripts/podman-engine.sh | tail -n 1)"
  export DEPLOYBISECT_TEST_PODMAN_HOST
fi
echo "test: Podman service at $DEPLOYBISECT_TEST_PODMAN_HOST" >&2

report="$(mktemp -t deploybisect-vitest-XXXXXX.json)"
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  const s = Math.round(Date.now() / 1000) - Number(process.argv[2]);
  const took = `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : "") + ` in ${took}`);
' "$report" "$started" || echo "0 passed, 1 failed"
if [ "$checks" != 0 ]; then echo "code checks failed"; [ "$status" != 0 ] || status=1; fi
exit "$status"
