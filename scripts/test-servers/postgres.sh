# shellcheck shell=bash
# A throwaway PostgreSQL server for the storage tests. Source this file, then:
#
#   start_postgres  installs postgresql if its binaries are missing, initialises a new cluster in a directory of its
#                   own (under $TEST_SERVERS_DIR when set, else a new temporary one), starts it on a free loopback
#                   port with its socket in that directory, creates a password role that may create databases, and
#                   exports ACCOUNTS_TEST_POSTGRES, e.g.
#                   "Host=127.0.0.1;Port=25432;Username=accounts;Password=...;Database=postgres". Non-zero on failure.
#   stop_postgres   stops that server and deletes its directory; safe to call twice, or after a failed start.
#
# If ACCOUNTS_TEST_POSTGRES is already set, start_postgres leaves it alone and starts nothing (a server of your own).
# The Debian package's own cluster (port 5432) is neither started nor used. As root, the server runs as the
# "postgres" account that the package creates, since PostgreSQL refuses to run as root.

: "${_ACCOUNTS_POSTGRES_DATA:=}"
: "${_ACCOUNTS_POSTGRES_DIR:=}"
: "${_ACCOUNTS_POSTGRES_BIN:=}"
: "${_ACCOUNTS_POSTGRES_TEMP_ROOT:=}"

_postgres_log() { printf '==> postgres: %s\n' "$*" >&2; }

_postgres_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs a command as the server's owner: "postgres" when this shell is root, else this user. From / so that a
# working directory the owner may not enter does not matter.
_postgres_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# The bin directory of the newest PostgreSQL installed with all the programs used here (Debian keeps it off PATH,
# in /usr/lib/postgresql/N/bin).
_postgres_bin_dir() {
  local dir program
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV) \
    "$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")")"; do
    for program in initdb pg_ctl postgres psql; do
      [ -x "$dir/$program" ] || continue 2
    done
    echo "$dir"
    return 0
  done
  return 1
}

_postgres_install() {
  _postgres_log "installing postgresql"
  # The package's postinst would start its default cluster; a policy-rc.d that answers 101 ("action forbidden")
  # stops it, as in container images. Ours is removed again; one already there is left as it was.
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    _postgres_as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d' && own_policy=1
  fi
  local status=0
  _postgres_as_root apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || status=$?
  if [ "$status" -eq 0 ]; then
    _postgres_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      postgresql >/dev/null || status=$?
  fi
  if [ -n "$own_policy" ]; then _postgres_as_root rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}

# A TCP port nobody listens on, outside the usual server ports and the kernel's ephemeral range.
_postgres_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

_postgres_is_running() {
  [ -n "$_ACCOUNTS_POSTGRES_DATA" ] && [ -n "$_ACCOUNTS_POSTGRES_BIN" ] && [ -f "$_ACCOUNTS_POSTGRES_DATA/postmaster.pid" ] \
    && _postgres_as_owner "$_ACCOUNTS_POSTGRES_BIN/pg_ctl" status -D "$_ACCOUNTS_POSTGRES_DATA" >/dev/null 2>&1
}

start_postgres() {
  if [ -n "${ACCOUNTS_TEST_POSTGRES:-}" ]; then
    _postgres_log "ACCOUNTS_TEST_POSTGRES is set: using that server, starting none"
    return 0
  fi
  if [ -n "$_ACCOUNTS_POSTGRES_DIR" ]; then
    stop_postgres
  fi

  local bin
  if ! bin=$(_postgres_bin_dir); then
    _postgres_install || { _postgres_log "could not install postgresql"; return 1; }
    bin=$(_postgres_bin_dir) || { _postgres_log "pg_ctl and initdb are missing after the install"; return 1; }
  fi
  _ACCOUNTS_POSTGRES_BIN=$bin
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    _postgres_log "the postgres account is missing (it comes with the postgresql-common package)"
    return 1
  fi

  local root="${TEST_SERVERS_DIR:-}"
  if [ -z "$root" ]; then
    root=$(mktemp -d) || return 1
    _ACCOUNTS_POSTGRES_TEMP_ROOT=$root
  fi
  mkdir -p "$root" || return 1
  _ACCOUNTS_POSTGRES_DIR=$(mktemp -d "$root/postgres.XXXXXX") || { stop_postgres; return 1; }
  local dir=$_ACCOUNTS_POSTGRES_DIR
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir" || { stop_postgres; return 1; }
    # mktemp makes its directories private to root; the server's account must be able to pass through them.
    if ! _postgres_as_owner test -w "$dir"; then
      chmod a+x "$root"
      if ! _postgres_as_owner test -w "$dir"; then
        _postgres_log "the postgres account cannot reach $dir: set TEST_SERVERS_DIR to a directory under /tmp"
        stop_postgres
        return 1
      fi
    fi
  fi
  _ACCOUNTS_POSTGRES_DATA=$dir/data

  # Trust on the socket (in the throwaway directory, for the setup below), passwords over TCP. --no-sync: the data
  # dies with the directory, so nothing is worth an fsync.
  if ! _postgres_as_owner "$bin/initdb" -D "$_ACCOUNTS_POSTGRES_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1; then
    _postgres_log "initdb failed:"
    tail -n 20 "$dir/initdb.log" >&2
    stop_postgres
    return 1
  fi

  local attempt port started=""
  for attempt in 1 2 3; do
    port=$(_postgres_free_port) || { _postgres_log "no free port"; stop_postgres; return 1; }
    # Loopback only, socket in the throwaway directory; durability traded for speed (the tests create and drop a
    # database each), since the data dies with the directory. pg_ctl hands these to a shell: one line.
    local options="-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=300"
    options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal -c max_wal_senders=0"
    if _postgres_as_owner "$bin/pg_ctl" start -D "$_ACCOUNTS_POSTGRES_DATA" -l "$dir/postgres.log" -w -t 60 -o "$options" \
      >"$dir/pg_ctl.log" 2>&1; then
      started=1
      break
    fi
    # Most likely another process took the port between the check and the bind: try another one.
    _postgres_log "the server did not start (attempt $attempt):"
    tail -n 5 "$dir/postgres.log" >&2 2>/dev/null || true
    _postgres_as_owner "$bin/pg_ctl" stop -D "$_ACCOUNTS_POSTGRES_DATA" -m immediate -w >/dev/null 2>&1 || true
  done
  if [ -z "$started" ]; then
    stop_postgres
    return 1
  fi

  local password
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  # A TCP role with a password that may create databases (the tests make and drop one each), and no superuser.
  if ! _postgres_as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE accounts LOGIN CREATEDB PASSWORD '$password'" >"$dir/setup.log" 2>&1; then
    _postgres_log "could not create the test role:"
    cat "$dir/setup.log" >&2
    stop_postgres
    return 1
  fi

  export ACCOUNTS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=accounts;Password=$password;Database=postgres"
  _postgres_log "started PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
}

stop_postgres() {
  if _postgres_is_running; then
    if ! _postgres_as_owner "$_ACCOUNTS_POSTGRES_BIN/pg_ctl" stop -D "$_ACCOUNTS_POSTGRES_DATA" -m fast -w -t 30 >/dev/null 2>&1; then
      _postgres_log "the server did not stop within 30 s: stopping it at once"
      _postgres_as_owner "$_ACCOUNTS_POSTGRES_BIN/pg_ctl" stop -D "$_ACCOUNTS_POSTGRES_DATA" -m immediate -w >/dev/null 2>&1 || true
    fi
  fi
  if [ -n "$_ACCOUNTS_POSTGRES_DIR" ]; then
    rm -rf "$_ACCOUNTS_POSTGRES_DIR"
    unset ACCOUNTS_TEST_POSTGRES
  fi
  if [ -n "$_ACCOUNTS_POSTGRES_TEMP_ROOT" ]; then
    rm -rf "$_ACCOUNTS_POSTGRES_TEMP_ROOT"
  fi
  _ACCOUNTS_POSTGRES_DATA=""
  _ACCOUNTS_POSTGRES_DIR=""
  _ACCOUNTS_POSTGRES_BIN=""
  _ACCOUNTS_POSTGRES_TEMP_ROOT=""
  return 0
}
