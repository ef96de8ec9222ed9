# Throwaway SMTP sink for the tests (Debian's python3-aiosmtpd). Source this file, then:
#   start_smtp   installs python3-aiosmtpd if missing (apt), starts an SMTP server on a free loopback port that
#                stores every message in a Maildir, and exports ACCOUNTS_TEST_SMTP=127.0.0.1:<port> and
#                ACCOUNTS_TEST_SMTP_MAILDIR=<maildir>
#   stop_smtp    stops exactly that server and removes its directory; safe to call twice or after a failed start
# TEST_SERVERS_DIR, when set, is where the temporary directory goes. Works under `set -euo pipefail`.

_accounts_smtp_pid=""
_accounts_smtp_dir=""

_accounts_smtp_free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_smtp() {
  if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
    printf '==> installing python3-aiosmtpd\n'
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
    fi
  fi

  local base=${TEST_SERVERS_DIR:-${TMPDIR:-/tmp}}
  mkdir -p "$base"
  _accounts_smtp_dir=$(mktemp -d "$base/smtp.XXXXXX")
  # The handler creates the Maildir (tmp/, new/, cur/) itself, but only where nothing exists yet.
  local maildir="$_accounts_smtp_dir/maildir" port attempt
  for attempt in 1 2 3; do
    port=$(_accounts_smtp_free_port)
    # -n: stay the user we are (no setuid to nobody); the Mailbox handler writes each message to the Maildir.
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$maildir" \
      >"$_accounts_smtp_dir/smtp.log" 2>&1 &
    _accounts_smtp_pid=$!
    local waited=0
    while ((waited < 50)); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        export ACCOUNTS_TEST_SMTP="127.0.0.1:$port"
        export ACCOUNTS_TEST_SMTP_MAILDIR="$maildir"
        printf '==> smtp sink (aiosmtpd) on 127.0.0.1:%s (pid %s)\n' "$port" "$_accounts_smtp_pid"
        return 0
      fi
      kill -0 "$_accounts_smtp_pid" 2>/dev/null || break
      sleep 0.1
      waited=$((waited + 1))
    done
    kill "$_accounts_smtp_pid" 2>/dev/null || true
    wait "$_accounts_smtp_pid" 2>/dev/null || true
    _accounts_smtp_pid=""
  done
  printf 'smtp sink did not start:\n' >&2
  cat "$_accounts_smtp_dir/smtp.log" >&2 || true
  return 1
}

stop_smtp() {
  if [ -n "$_accounts_smtp_pid" ]; then
    kill "$_accounts_smtp_pid" 2>/dev/null || true
    wait "$_accounts_smtp_pid" 2>/dev/null || true
    _accounts_smtp_pid=""
  fi
  if [ -n "$_accounts_smtp_dir" ]; then
    rm -rf "$_accounts_smtp_dir"
    _accounts_smtp_dir=""
  fi
  unset ACCOUNTS_TEST_SMTP ACCOUNTS_TEST_SMTP_MAILDIR
}
