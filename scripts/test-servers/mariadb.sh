# shellcheck shell=bash
# A throwaway MariaDB server for the storage tests. Source this file, then:
#
#   start_mariadb   installs mariadb-server if its binaries are missing, starts a new server in a directory of its
#                   own (under $TEST_SERVERS_DIR when set, else a new temporary one) on a free loopback port, creates
#                   a password user that may create databases, and exports ACCOUNTS_TEST_MARIADB, e.g.
#                   "Server=127.0.0.1;Port=23306;User ID=accounts;Password=...". Returns non-zero on failure.
#   stop_mariadb    stops that server and deletes its directory; safe to call twice, or after a failed start.
#
# If ACCOUNTS_TEST_MARIADB is already set, start_mariadb leaves it alone and starts nothing (a server of your own).
# The Debian package's own instance (port 3306, /var/lib/mysql) is neither started nor used.

: "${_ACCOUNTS_MARIADB_PID:=}"
: "${_ACCOUNTS_MARIADB_DIR:=}"
: "${_ACCOUNTS_MARIADB_TEMP_ROOT:=}"

_mariadb_log() { printf '==> mariadb: %s\n' "$*" >&2; }

# Runs a command as root (directly, or through sudo when this shell is not root).
_mariadb_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Sets server, client, admin and install_db (locals of the caller) to the MariaDB programs; false if any is missing.
_mariadb_find_binaries() {
  local candidate
  server=""
  for candidate in mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld; do
    if command -v "$candidate" >/dev/null 2>&1; then server=$(command -v "$candidate"); break; fi
  done
  client=$(command -v mariadb || command -v mysql) || client=""
  admin=$(command -v mariadb-admin || command -v mysqladmin) || admin=""
  install_db=$(command -v mariadb-install-db || command -v mysql_install_db) || install_db=""
  [ -n "$server" ] && [ -n "$client" ] && [ -n "$admin" ] && [ -n "$install_db" ]
}

_mariadb_install() {
  _mariadb_log "installing mariadb-server"
  # The package's postinst would start the default instance; a policy-rc.d that answers 101 ("action forbidden")
  # stops it, as in container images. Ours is removed again; one already there is left as it was.
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    _mariadb_as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d' && own_policy=1
  fi
  local status=0
  _mariadb_as_root apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || status=$?
  if [ "$status" -eq 0 ]; then
    _mariadb_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      mariadb-server mariadb-client >/dev/null || status=$?
  fi
  if [ -n "$own_policy" ]; then _mariadb_as_root rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}

# A TCP port nobody listens on, outside the usual server ports and the kernel's ephemeral range.
_mariadb_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

_mariadb_is_ours() {
  [ -n "$_ACCOUNTS_MARIADB_PID" ] && [ -n "$_ACCOUNTS_MARIADB_DIR" ] \
    && kill -0 "$_ACCOUNTS_MARIADB_PID" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$_ACCOUNTS_MARIADB_PID/cmdline" 2>/dev/null | grep -qF -- "$_ACCOUNTS_MARIADB_DIR/my.cnf"
}

start_mariadb() {
  if [ -n "${ACCOUNTS_TEST_MARIADB:-}" ]; then
    _mariadb_log "ACCOUNTS_TEST_MARIADB is set: using that server, starting none"
    return 0
  fi
  if [ -n "$_ACCOUNTS_MARIADB_DIR" ]; then
    stop_mariadb
  fi

  local server client admin install_db
  if ! _mariadb_find_binaries; then
    _mariadb_install || { _mariadb_log "could not install mariadb-server"; return 1; }
    _mariadb_find_binaries || { _mariadb_log "the MariaDB programs are missing after the install"; return 1; }
  fi

  local root="${TEST_SERVERS_DIR:-}"
  if [ -z "$root" ]; then
    root=$(mktemp -d) || return 1
    _ACCOUNTS_MARIADB_TEMP_ROOT=$root
  fi
  mkdir -p "$root" || return 1
  _ACCOUNTS_MARIADB_DIR=$(mktemp -d "$root/mariadb.XXXXXX") || { stop_mariadb; return 1; }
  local dir=$_ACCOUNTS_MARIADB_DIR
  local user_option=""
  if [ "$(id -u)" -eq 0 ]; then user_option="user=root"; fi

  local attempt port started=""
  for attempt in 1 2 3; do
    port=$(_mariadb_free_port) || { _mariadb_log "no free port"; stop_mariadb; return 1; }
    # Only this file's settings apply (no /etc/mysql): loopback only, socket and data in the throwaway directory,
    # and durability traded for speed, since the data dies with the directory.
    cat >"$dir/my.cnf" <<EOF
[mysqld]
$user_option
datadir=$dir/data
socket=$dir/mariadbd.sock
pid-file=$dir/mariadbd.pid
log-error=$dir/mariadbd.err
port=$port
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
max_connections=300
innodb_buffer_pool_size=128M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=0
innodb_doublewrite=0
EOF
    if [ ! -d "$dir/data/mysql" ]; then
      rm -rf "$dir/data"
      if ! "$install_db" --defaults-file="$dir/my.cnf" --skip-test-db --auth-root-authentication-method=socket \
        >"$dir/install-db.log" 2>&1; then
        _mariadb_log "mariadb-install-db failed:"
        tail -n 20 "$dir/install-db.log" >&2
        stop_mariadb
        return 1
      fi
    fi

    "$server" --defaults-file="$dir/my.cnf" </dev/null >>"$dir/mariadbd.out" 2>&1 &
    _ACCOUNTS_MARIADB_PID=$!
    for _ in $(seq 1 300); do
      if ! kill -0 "$_ACCOUNTS_MARIADB_PID" 2>/dev/null; then break; fi
      if "$admin" --no-defaults --socket="$dir/mariadbd.sock" -u "$(id -un)" ping >/dev/null 2>&1; then
        started=1
        break
      fi
      sleep 0.1
    done
    if [ -n "$started" ]; then break; fi
    if kill -0 "$_ACCOUNTS_MARIADB_PID" 2>/dev/null; then
      _mariadb_log "the server did not answer within 30 s"
      break
    fi
    wait "$_ACCOUNTS_MARIADB_PID" 2>/dev/null || true
    _ACCOUNTS_MARIADB_PID=""
    # Most likely another process took the port between the check and the bind: try another one.
    _mariadb_log "the server exited at start (attempt $attempt):"
    tail -n 5 "$dir/mariadbd.err" >&2 2>/dev/null || true
  done
  if [ -z "$started" ]; then
    stop_mariadb
    return 1
  fi

  local password
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  # A TCP user with a password, as the service will meet in production; rights on every database so the tests can
  # create and drop their own, and nothing of the server's administration (no SUPER, no global settings).
  if ! "$client" --no-defaults --socket="$dir/mariadbd.sock" -u "$(id -un)" -e "
      CREATE USER 'accounts'@'127.0.0.1' IDENTIFIED BY '$password';
      GRANT CREATE, DROP, ALTER, INDEX, REFERENCES, SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES,
            LOCK TABLES ON *.* TO 'accounts'@'127.0.0.1';" >"$dir/setup.log" 2>&1; then
    _mariadb_log "could not create the test user:"
    cat "$dir/setup.log" >&2
    stop_mariadb
    return 1
  fi

  export ACCOUNTS_TEST_MARIADB="Server=127.0.0.1;Port=$port;User ID=accounts;Password=$password"
  _mariadb_log "started $("$server" --version | sed -E 's/.*Ver ([^ ]+).*/\1/') on 127.0.0.1:$port (pid $_ACCOUNTS_MARIADB_PID, $dir)"
}

stop_mariadb() {
  if _mariadb_is_ours; then
    kill -TERM "$_ACCOUNTS_MARIADB_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$_ACCOUNTS_MARIADB_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$_ACCOUNTS_MARIADB_PID" 2>/dev/null; then
      _mariadb_log "the server did not stop within 30 s: killing it"
      kill -KILL "$_ACCOUNTS_MARIADB_PID" 2>/dev/null || true
    fi
  fi
  if [ -n "$_ACCOUNTS_MARIADB_PID" ]; then
    wait "$_ACCOUNTS_MARIADB_PID" 2>/dev/null || true
  fi
  if [ -n "$_ACCOUNTS_MARIADB_DIR" ]; then
    rm -rf "$_ACCOUNTS_MARIADB_DIR"
    unset ACCOUNTS_TEST_MARIADB
  fi
  if [ -n "$_ACCOUNTS_MARIADB_TEMP_ROOT" ]; then
    rm -rf "$_ACCOUNTS_MARIADB_TEMP_ROOT"
  fi
  _ACCOUNTS_MARIADB_PID=""
  _ACCOUNTS_MARIADB_DIR=""
  _ACCOUNTS_MARIADB_TEMP_ROOT=""
  return 0
}
