#!/usr/bin/env bash
# Runs the benchmarks (bench/run.ts) against real Kafka and ClickHouse started for the run.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd)"
export DORA_SERVICES_DIR="${DORA_SERVICES_DIR:-$REPO/.services-bench}"
cd "$REPO"
trap '"$SCRIPT_DIR/services.sh" down "$DORA_SERVICES_DIR" >/dev/null || true' EXIT
"$SCRIPT_DIR/services.sh" up "$DORA_SERVICES_DIR" >/dev/null
# shellcheck disable=SC1091
source "$DORA_SERVICES_DIR/env"
npx tsx bench/run.ts "$@"
