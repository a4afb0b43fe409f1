#!/usr/bin/env bash
# The README's test command (`npm test`): starts the private services if needed, prepares the test
# template database, then runs every ava test. Extra arguments go to ava (e.g. a file to run).
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests may run PostgreSQL without durability (faster commits); only tests and benchmarks ever do.
export NEXUS_PG_FAST="${NEXUS_PG_FAST-1}"
eval "$(bash scripts/services.sh start | sed 's/^/export /')"
export TEST_ADMIN_DATABASE_URL="${TEST_ADMIN_DATABASE_URL:-${DATABASE_URL%/*}/postgres}"
unset DATABASE_URL
npx tsx scripts/testTemplate.ts
mkdir -p test-output
npx ava "$@"
