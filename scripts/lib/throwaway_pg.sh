# A throwaway PostgreSQL cluster for the test and benchmark scripts: created under /tmp, on a
# free port, reachable only through its own unix socket, tuned for speed over durability, and
# removed by stop_postgres. Source this file; it defines functions only.
#
#   start_postgres PREFIX   sets pg_dir, pg_bin, pg_port, pg_url and pg_restart (a command that
#                           restarts the server), or prints why not and
#                           returns 1
#   stop_postgres           stops the server and removes its directory (safe to call twice)

pg_dir=""
pg_bin=""
pg_port=""
pg_url=""
pg_restart=""

pg_as_owner() {
  # initdb and postgres refuse to run as root: run them as the `postgres` user then.
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

free_port() {
  # A TCP port nobody listens on whose socket name is free. The server listens only on its
  # private unix socket, whose name carries the port, so the TCP check is belt and braces
  # should listen_addresses ever be widened.
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [[ ! -e "/tmp/.s.PGSQL.$port" ]]; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start_postgres() {
  local prefix=${1:-tabula-pg}
  pg_bin=$(find_pg_bin) || {
    echo "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
    return 1
  }
  pg_port=$(free_port) || {
    echo "no free TCP port found"
    return 1
  }
  # /tmp rather than $TMPDIR: a unix socket path must stay under ~100 characters.
  pg_dir=$(mktemp -d "/tmp/${prefix}.XXXXXX")
  [[ $EUID -eq 0 ]] && chown postgres: "$pg_dir"
  if ! pg_as_owner "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 \
    --locale=C --no-sync >"$pg_dir/initdb.log" 2>&1; then
    cat "$pg_dir/initdb.log"
    return 1
  fi
  cat >>"$pg_dir/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $pg_port
unix_socket_directories = '$pg_dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  if ! pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    start >/dev/null; then
    cat "$pg_dir/server.log" 2>/dev/null || true
    return 1
  fi
  pg_url="postgresql://postgres@/postgres?host=${pg_dir}&port=${pg_port}"
  # How a test restarts this server (tests that provoke a restart run alone).
  pg_restart="$(restart_command)"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $pg_url"
}

restart_command() {
  local ctl="$pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/server.log -w -t 60 restart -m fast"
  if [[ $EUID -eq 0 ]]; then
    echo "runuser -u postgres -- $ctl"
  else
    echo "$ctl"
  fi
}

stop_postgres() {
  if [[ -n "$pg_dir" && -d "$pg_dir" ]]; then
    if [[ -f "$pg_dir/data/postmaster.pid" ]]; then
      pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" stop -m immediate >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
  pg_dir=""
}
