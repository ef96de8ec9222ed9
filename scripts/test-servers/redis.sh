# Throwaway redis-server for the tests. Source this file, then:
#   start_redis   installs redis-server if missing (apt), starts one on a free loopback port in a temporary
#                 directory (no persistence), waits for PONG and exports
#                 ACCOUNTS_TEST_REDIS=127.0.0.1:<port> and ACCOUNTS_TEST_REDIS_SERVER=<path to redis-server>
#   stop_redis    stops exactly that server and removes its directory; safe to call twice or after a failed start
# It never touches another redis (such as a system one on 6379). TEST_SERVERS_DIR, when set, is where the
# temporary directory goes. Works under `set -euo pipefail`.

_accounts_redis_pid=""
_accounts_redis_dir=""
_accounts_redis_base_owned=""

_accounts_redis_log() { printf '==> %s\n' "$*"; }

# True when something accepts connections on 127.0.0.1:$1.
_accounts_redis_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Answers PONG (also accepts NOAUTH: the server is up, it just wants a password).
_accounts_redis_ping() {
  local port=$1 reply
  if command -v redis-cli >/dev/null 2>&1; then
    reply=$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) || return 1
  else
    reply=$({
      exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
      printf 'PING\r\n' >&3
      IFS= read -r -t 2 line <&3 || exit 1
      printf '%s' "${line%$'\r'}"
    } 2>/dev/null) || return 1
    reply=${reply#+}
  fi
  [[ $reply == PONG || $reply == NOAUTH* ]]
}

start_redis() {
  if [[ -n $_accounts_redis_pid ]] && kill -0 "$_accounts_redis_pid" 2>/dev/null; then
    return 0 # already started by this shell
  fi

  if ! command -v redis-server >/dev/null 2>&1; then
    _accounts_redis_log "installing redis-server"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  local server
  server=$(command -v redis-server) || { echo "redis-server is not installed" >&2; return 1; }

  local base=${TEST_SERVERS_DIR:-}
  if [[ -z $base ]]; then
    base=$(mktemp -d)
    _accounts_redis_base_owned=$base
  fi
  mkdir -p "$base"
  _accounts_redis_dir=$(mktemp -d "$base/redis.XXXXXX")

  # A random high port that nothing answers on; if redis still cannot bind it (a race), try another.
  local attempt port
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    _accounts_redis_port_in_use "$port" && continue

    "$server" --bind 127.0.0.1 --port "$port" --dir "$_accounts_redis_dir" \
      --save "" --appendonly no --daemonize no \
      --pidfile "$_accounts_redis_dir/redis.pid" --logfile "$_accounts_redis_dir/redis.log" \
      </dev/null >/dev/null 2>&1 &
    _accounts_redis_pid=$!

    local _i
    for _i in {1..100}; do
      if _accounts_redis_ping "$port"; then
        export ACCOUNTS_TEST_REDIS="127.0.0.1:$port"
        export ACCOUNTS_TEST_REDIS_SERVER="$server"
        _accounts_redis_log "redis-server $($server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on $ACCOUNTS_TEST_REDIS (pid $_accounts_redis_pid)"
        return 0
      fi
      kill -0 "$_accounts_redis_pid" 2>/dev/null || break # exited: most likely the port was taken
      sleep 0.1
    done

    kill "$_accounts_redis_pid" 2>/dev/null || true
    wait "$_accounts_redis_pid" 2>/dev/null || true
    _accounts_redis_pid=""
  done

  echo "could not start redis-server; its log:" >&2
  tail -n 20 "$_accounts_redis_dir/redis.log" >&2 2>/dev/null || true
  stop_redis
  return 1
}

stop_redis() {
  if [[ -n $_accounts_redis_pid ]]; then
    if kill -0 "$_accounts_redis_pid" 2>/dev/null; then
      kill -TERM "$_accounts_redis_pid" 2>/dev/null || true
      local _i
      for _i in {1..50}; do
        kill -0 "$_accounts_redis_pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$_accounts_redis_pid" 2>/dev/null || true
    fi
    wait "$_accounts_redis_pid" 2>/dev/null || true
    _accounts_redis_pid=""
  fi

  if [[ -n $_accounts_redis_dir ]]; then
    rm -rf "$_accounts_redis_dir"
    _accounts_redis_dir=""
  fi
  if [[ -n $_accounts_redis_base_owned ]]; then
    rm -rf "$_accounts_redis_base_owned"
    _accounts_redis_base_owned=""
  fi
  unset ACCOUNTS_TEST_REDIS ACCOUNTS_TEST_REDIS_SERVER
  return 0
}
