#!/usr/bin/env bash
# Runs every test of Accounts on this machine: installs what the tests need (only what is missing), starts the
# servers they need on free loopback ports in throwaway directories (scripts/test-servers/*.sh), builds once,
# runs each test project, stops the servers (also when tests fail), and ends with one line
# "N passed, N failed, N skipped". Exit code 0 only if all passed. Safe to run twice in a row and as root on a
# fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '==> %s\n' "$*"; }

need_apt=()
# libsodium provides Argon2id (loaded with DllImport); Debian ships it as libsodium23.
ldconfig -p 2>/dev/null | grep -q 'libsodium\.so\.23' || need_apt+=(libsodium23)
# librdkafka is Confluent.Kafka's native half (the Kafka bus and its tests); Debian ships it as librdkafka1.
ldconfig -p 2>/dev/null | grep 'librdkafka\.so\.1' >/dev/null || need_apt+=(librdkafka1)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

command -v dotnet >/dev/null || { echo "dotnet (SDK 10) is required" >&2; exit 1; }

results=$(mktemp -d)
# PostgreSQL runs as the postgres account, which must be able to pass through to its directory.
chmod a+x "$results"
export TEST_SERVERS_DIR="$results/servers"
mkdir -p "$TEST_SERVERS_DIR"
servers=()
cleanup() {
  local server
  for server in "${servers[@]}"; do "stop_$server" || true; done
  rm -rf "$results"
}
trap cleanup EXIT
for server in redis mariadb postgres smtp kafka; do
  # shellcheck source=/dev/null
  source "scripts/test-servers/$server.sh"
  servers+=("$server")
  "start_$server" || { log "could not start the $server test server"; exit 1; }
done

log "building"
dotnet build Accounts.slnx -c Release -nologo -v quiet -warnaserror 2>&1 | tail -n 20

passed=0 failed=0 skipped=0 status=0

# run_tests PROJECT LABEL [VAR=VALUE...]: runs one test project (with extra environment) and adds up its summary.
run_tests() {
  local project=$1 label=$2 name log summary total errors fails skips notrun
  shift 2
  name=$(basename "$project" .csproj)
  log="$results/$label.log"
  log "running $label"
  if env "$@" dotnet run --project "$project" -c Release --no-build -- -noColor >"$log" 2>&1; then
    :
  else
    status=1
    grep -E '\[FAIL\]' -A 30 "$log" | head -n 200 || tail -n 50 "$log"
  fi
  summary=$(grep -E "^\s*$name\s+Total: " "$log" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    echo "$label printed no summary:" >&2
    tail -n 50 "$log" >&2
    status=1
    return
  fi
  echo "    $summary"
  total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$summary")
  errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
  fails=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$summary")
  skips=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$summary")
  notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$summary")
  failed=$((failed + fails + errors))
  skipped=$((skipped + skips + notrun))
  passed=$((passed + total - fails - skips - notrun))
}

for project in tests/*.Tests/*.Tests.csproj; do
  run_tests "$project" "$(basename "$project" .csproj)"
done
# The functional suite again with the service on each real stack: MariaDB + Redis, PostgreSQL + Redis.
for stack in mariadb postgres; do
  run_tests tests/Accounts.Server.Tests/Accounts.Server.Tests.csproj "Accounts.Server.Tests on $stack" ACCOUNTS_TEST_STACK="$stack"
done

echo "$passed passed, $failed failed, $skipped skipped"
if ((failed > 0 || passed == 0)); then
  status=1
fi
exit "$status"
