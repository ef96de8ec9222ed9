# Throwaway Kafka broker for the tests: librdkafka's mock cluster, kept alive by kcat. Source this file, then:
#   start_kafka   installs kcat and librdkafka1 if missing (apt), starts a one-broker mock cluster on a loopback port
#                 in a temporary directory, waits until it answers a metadata request and exports
#                 ACCOUNTS_TEST_KAFKA=127.0.0.1:<port>
#   stop_kafka    stops exactly that kcat and removes its directory; safe to call twice or after a failed start
# The mock cluster speaks the Kafka protocol (produce, fetch, consumer groups, offsets, idempotent producers) and
# creates any topic it is asked about, but has no CreateTopics API and keeps nothing on disk: see
# src/Accounts.Bus.Kafka/README.md for how it differs from a real broker. TEST_SERVERS_DIR, when set, is where the
# temporary directory goes. Works under `set -euo pipefail`.

_accounts_kafka_pid=""
_accounts_kafka_dir=""

_accounts_kafka_log() { printf '==> %s\n' "$*"; }

start_kafka() {
  if [[ -n $_accounts_kafka_pid ]] && kill -0 "$_accounts_kafka_pid" 2>/dev/null; then
    return 0 # already started by this shell
  fi

  local need=()
  command -v kcat >/dev/null 2>&1 || need+=(kcat)
  ldconfig -p 2>/dev/null | grep 'librdkafka\.so\.1' >/dev/null || need+=(librdkafka1)
  if ((${#need[@]})); then
    _accounts_kafka_log "installing ${need[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  command -v kcat >/dev/null 2>&1 || { echo "kcat is not installed" >&2; return 1; }

  local base=${TEST_SERVERS_DIR:-${TMPDIR:-/tmp}}
  mkdir -p "$base"
  _accounts_kafka_dir=$(mktemp -d "$base/kafka.XXXXXX")

  # With test.mock.num.brokers, librdkafka starts a mock cluster inside the client on a free 127.0.0.1 port and
  # ignores -b; it says where in a notice: "Mock cluster enabled: ... replaced with 127.0.0.1:<port>". kcat in
  # consumer mode without -e runs until killed, so the cluster lives as long as this process. (-L or -P with an
  # empty stdin would exit at once and take the cluster with them.)
  # The log exists before kcat starts: the loop below reads it at once, and under `set -eo pipefail` a read of a file
  # the background job has not created yet would end the calling script.
  : >"$_accounts_kafka_dir/kcat.log"
  kcat -b 127.0.0.1:9 -X test.mock.num.brokers=1 -C -t accounts-test-keepalive -o end \
    </dev/null >"$_accounts_kafka_dir/kcat.out" 2>"$_accounts_kafka_dir/kcat.log" &
  _accounts_kafka_pid=$!

  local _i servers=""
  for _i in {1..100}; do
    servers=$(sed -n 's/.*Mock cluster enabled.* replaced with \([0-9.]*:[0-9]*\).*/\1/p' "$_accounts_kafka_dir/kcat.log" 2>/dev/null | head -n 1 || true)
    if [[ -n $servers ]] && kcat -L -b "$servers" -m 2 >/dev/null 2>&1; then
      export ACCOUNTS_TEST_KAFKA="$servers"
      _accounts_kafka_log "kafka mock cluster (librdkafka $(kcat -V 2>&1 | sed -n 's/.*librdkafka \([0-9.]*\).*/\1/p' | head -n 1), via kcat) on $ACCOUNTS_TEST_KAFKA (pid $_accounts_kafka_pid)"
      return 0
    fi
    kill -0 "$_accounts_kafka_pid" 2>/dev/null || break
    sleep 0.1
  done

  echo "could not start the kafka mock cluster; kcat's log:" >&2
  tail -n 20 "$_accounts_kafka_dir/kcat.log" >&2 2>/dev/null || true
  stop_kafka
  return 1
}

stop_kafka() {
  if [[ -n $_accounts_kafka_pid ]]; then
    if kill -0 "$_accounts_kafka_pid" 2>/dev/null; then
      kill -TERM "$_accounts_kafka_pid" 2>/dev/null || true
      local _i
      for _i in {1..50}; do
        kill -0 "$_accounts_kafka_pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$_accounts_kafka_pid" 2>/dev/null || true
    fi
    wait "$_accounts_kafka_pid" 2>/dev/null || true
    _accounts_kafka_pid=""
  fi

  if [[ -n $_accounts_kafka_dir ]]; then
    rm -rf "$_accounts_kafka_dir"
    _accounts_kafka_dir=""
  fi
  unset ACCOUNTS_TEST_KAFKA
  return 0
}
