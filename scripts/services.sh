#!/usr/bin/env bash
# Start, stop or inspect this checkout's private PostgreSQL 15 and Redis.
# Data lives under .data/ (ignored by git); the ports are not the system defaults, so these
# coexist with any PostgreSQL or Redis already on the machine. Every command is idempotent.
# When DATABASE_URL / REDIS_URL are set, those servers are used and nothing is started for them.
#
# PostgreSQL runs with its durable defaults (fsync, synchronous_commit, full_page_writes): a crash of
# the machine loses no committed data. NEXUS_PG_FAST=1 turns all three off, for tests and benchmarks
# only (scripts/test.sh sets it; every benchmark prints which mode it measured).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data="${NEXUS_DATA_DIR:-$root/.data}"
pg_port="${NEXUS_PG_PORT:-54329}"
redis_port="${NEXUS_REDIS_PORT:-63799}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
fast="${NEXUS_PG_FAST:-0}"
# wal_level/max_wal_senders (PostgreSQL 15's defaults, spelt out) and initdb's "replication" lines in
# pg_hba.conf let `pg_basebackup -R` make a streaming replica of it (test/searchReplica.test.ts).
pg_opts="-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c wal_level=replica -c max_wal_senders=10"
if [ "$fast" = 1 ]; then pg_opts="$pg_opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi

log() { printf '[services] %s\n' "$*" >&2; }

as_pg_owner() {
  # initdb and postgres refuse to run as root; run them as the postgres user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_packages() {
  local missing=()
  [ -n "${DATABASE_URL:-}" ] || [ -x "$pg_bin/postgres" ] || missing+=(postgresql-15 postgresql-contrib-15)
  [ -n "${REDIS_URL:-}" ] || command -v redis-server >/dev/null || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} with apt"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing: ${missing[*]}. Install them (Debian: sudo apt-get install -y ${missing[*]}),"
    log "or set DATABASE_URL and REDIS_URL to servers you already run."
    exit 1
  fi
}

start_pg() {
  if [ -n "${DATABASE_URL:-}" ]; then log "PostgreSQL: using DATABASE_URL"; return; fi
  local dir="$data/pg"
  mkdir -p "$data"
  if [ ! -s "$dir/PG_VERSION" ]; then
    log "PostgreSQL: initdb in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir" && chmod 755 "$data"
    as_pg_owner "$pg_bin/initdb" -D "$dir" -U nexus --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg_owner "$pg_bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    local running_fsync
    running_fsync=$("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U nexus -d postgres -tAc "show fsync" 2>/dev/null || echo unknown)
    if [ "$fast" != 1 ] && [ "$running_fsync" = off ]; then
      # Durability was asked for (the default) and the server runs without it: data safety first.
      log "PostgreSQL: running with fsync=off; restarting it durable (set NEXUS_PG_FAST=1 to keep it fast)"
      as_pg_owner "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -m fast -o "$pg_opts" restart >/dev/null
    elif [ "$fast" = 1 ] && [ "$running_fsync" = on ]; then
      log "PostgreSQL: already running on port $pg_port, durable (NEXUS_PG_FAST=1 applies at its next start)"
    else
      log "PostgreSQL: already running on port $pg_port ($([ "$running_fsync" = off ] && echo "NOT durable: NEXUS_PG_FAST" || echo durable))"
    fi
  else
    log "PostgreSQL: starting on 127.0.0.1:$pg_port ($([ "$fast" = 1 ] && echo "NOT durable: NEXUS_PG_FAST=1" || echo durable))"
    as_pg_owner "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -o "$pg_opts" start >/dev/null
  fi
  "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U nexus -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='nexus'" | grep -q 1 \
    || "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U nexus nexus
}

start_redis() {
  if [ -n "${REDIS_URL:-}" ]; then log "Redis: using REDIS_URL"; return; fi
  mkdir -p "$data/redis"
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    log "Redis: already running on port $redis_port"
  else
    log "Redis: starting on 127.0.0.1:$redis_port"
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --dir "$data/redis" \
      --pidfile "$data/redis/redis.pid" --logfile "$data/redis/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

stop_all() {
  if [ -s "$data/pg/PG_VERSION" ] && as_pg_owner "$pg_bin/pg_ctl" -D "$data/pg" status >/dev/null 2>&1; then
    log "PostgreSQL: stopping"; as_pg_owner "$pg_bin/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null
  fi
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    log "Redis: stopping"; redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
}

print_env() {
  echo "DATABASE_URL=${DATABASE_URL:-postgres://nexus@127.0.0.1:$pg_port/nexus}"
  echo "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$redis_port}"
}

case "${1:-start}" in
  start) ensure_packages; start_pg; start_redis; print_env ;;
  stop) stop_all ;;
  status)
    as_pg_owner "$pg_bin/pg_ctl" -D "$data/pg" status 2>/dev/null | head -1 || echo "PostgreSQL: not running"
    redis-cli -p "$redis_port" ping 2>/dev/null || echo "Redis: not running" ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
