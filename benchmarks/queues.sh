#!/usr/bin/env bash
# The "queues" benchmark in one command: starts a throwaway redis-server and MariaDB server (the test servers of
# scripts/test-servers, unless ACCOUNTS_TEST_REDIS / ACCOUNTS_TEST_MARIADB already name servers of your own), runs
#   dotnet run -c Release --project benchmarks/Accounts.Benchmarks -- queues [arguments]
# and stops what it started, also when the run fails or is interrupted. Arguments pass through (see docs/benchmarks.md).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# shellcheck source=../scripts/test-servers/redis.sh
source scripts/test-servers/redis.sh
# shellcheck source=../scripts/test-servers/mariadb.sh
source scripts/test-servers/mariadb.sh

own_redis=""
own_mariadb=""
cleanup() {
  if [[ -n $own_redis ]]; then stop_redis; fi
  if [[ -n $own_mariadb ]]; then stop_mariadb; fi
}
trap cleanup EXIT

if [[ -z ${ACCOUNTS_TEST_REDIS:-} ]]; then
  start_redis
  own_redis=1
fi
if [[ -z ${ACCOUNTS_TEST_MARIADB:-} ]]; then
  start_mariadb
  own_mariadb=1
fi

# Not exec: the trap must stop the servers once the run ends.
status=0
dotnet run -c Release --project benchmarks/Accounts.Benchmarks -- queues "$@" || status=$?
exit "$status"
