#!/usr/bin/env bash
# The whole test suite in one command, against a real Kafka broker and a real ClickHouse:
#
#   scripts/test.sh [vitest args...]     e.g. scripts/test.sh test/ingest --reporter=verbose
#   (no args: the parallel suite, then the *.serial.test.ts files one at a time)
#
# Starts both services with scripts/services.sh (throwaway state in $DORA_SERVICES_DIR, default
# <repo>/.services), exports KAFKA_BROKERS / CLICKHOUSE_URL / CLICKHOUSE_USER / CLICKHOUSE_PASSWORD,
# runs `npx vitest run "$@"`, and always stops the services again. Exits with vitest's exit code.
# If a service cannot be provided it fails (non-zero) and says which: tests are never skipped.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
SERVICES="$SCRIPT_DIR/services.sh"
export DORA_SERVICES_DIR="${DORA_SERVICES_DIR:-$REPO/.services}"

cd "$REPO"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  "$SERVICES" down "$DORA_SERVICES_DIR" || echo "test.sh: WARNING: 'services.sh down' failed" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

up_rc=0
"$SERVICES" up "$DORA_SERVICES_DIR" >/dev/null || up_rc=$?
if [ "$up_rc" != 0 ]; then
  case "$up_rc" in
    11) what="Kafka could not be provided" ;;
    12) what="ClickHouse could not be provided" ;;
    13) what="neither Kafka nor ClickHouse could be provided" ;;
    3) what="installing Kafka/ClickHouse failed" ;;
    *) what="services.sh up failed (exit $up_rc)" ;;
  esac
  echo "test.sh: FAILED before running tests: $what (details above; logs in $DORA_SERVICES_DIR/logs)" >&2
  exit 1
fi

# shellcheck disable=SC1091
source "$DORA_SERVICES_DIR/env"
echo "test.sh: KAFKA_BROKERS=$KAFKA_BROKERS CLICKHOUSE_URL=$CLICKHOUSE_URL" >&2

set +e
if [ "$#" -gt 0 ]; then
  npx vitest run "$@"
  rc=$?
else
  # Files named *.serial.test.ts stop shared services (e.g. the broker), so they run alone, after
  # the rest of the suite has run in parallel.
  npx vitest run --exclude 'test/**/*.serial.test.ts'
  rc=$?
  npx vitest run --no-file-parallelism test/*.serial.test.ts
  rc2=$?
  [ "$rc" = 0 ] && rc=$rc2
fi
set -e
exit "$rc"
