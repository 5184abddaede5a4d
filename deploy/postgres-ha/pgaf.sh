#!/bin/bash
# The pg_auto_failover containers of docker-compose.ha.yml: `pgaf.sh monitor`, or `pgaf.sh node` for a data node.
# Runs as the postgres user. Every connection between them authenticates with scram-sha-256 and is encrypted
# (self-signed certificates); the passwords come from the environment and reach libpq through ~/.pgpass.
#
# monitor  creates the monitor on its first start, runs it, and sets the password of autoctl_node (the role
#          the data nodes report with).
# node     creates a data node on its first start (the first to register becomes the primary, the next a
#          synchronous secondary, copied with pg_basebackup), runs it, and — on whichever node is primary —
#          keeps the replication password and Aggregator's database, roles and ltree in place (idempotent).
#
# Environment: AUTOCTL_NODE_PASSWORD, REPLICATION_PASSWORD, and for nodes AGGREGATOR_OWNER_PASSWORD,
# AGGREGATOR_APP_PASSWORD, MONITOR_HOST (default: monitor), MONITOR_PORT (default: 5432). NODE_HOST (default: the
# container's hostname), NODE_NAME (default: NODE_HOST),
# PGPORT (default: 5432) and PGSOCKETDIR (default: /var/run/postgresql) let the same script run outside
# containers, on one machine.
set -euo pipefail
role=${1:?usage: pgaf.sh monitor|node}
: "${PGDATA:?}" "${AUTOCTL_NODE_PASSWORD:?}" "${REPLICATION_PASSWORD:?}"
node_host=${NODE_HOST:-$(hostname)}
port=${PGPORT:-5432}
export PGDATA

umask 077
cat >"$HOME/.pgpass" <<PGPASS
*:*:pg_auto_failover:autoctl_node:${AUTOCTL_NODE_PASSWORD}
*:*:*:pgautofailover_replicator:${REPLICATION_PASSWORD}
PGPASS

# The local superuser, over this node's Unix socket.
local_psql() { psql -X -q -v ON_ERROR_STOP=1 -h "${PGSOCKETDIR:-/var/run/postgresql}" -p "$port" -U postgres "$@"; }

wait_for_postgres() {
  for _ in $(seq 120); do
    pg_isready -q -h 127.0.0.1 -p "$port" && return 0
    kill -0 "$autoctl" 2>/dev/null || { echo "pg_autoctl exited" >&2; exit 1; }
    sleep 1
  done
  echo "PostgreSQL did not start" >&2
  exit 1
}

first_start=false
[ -f "$PGDATA/postgresql.conf" ] || first_start=true
case "$role" in
  monitor)
    if $first_start; then
      pg_autoctl create monitor --pgdata "$PGDATA" --hostname "$node_host" --pgport "$port" \
        --auth scram-sha-256 --ssl-self-signed
    fi
    ;;
  node)
    if $first_start; then
      pg_autoctl create postgres --pgdata "$PGDATA" --hostname "$node_host" --name "${NODE_NAME:-$node_host}" --pgport "$port" \
        --dbname aggregator --auth scram-sha-256 --ssl-self-signed --pg-hba-lan \
        --monitor "postgres://autoctl_node@${MONITOR_HOST:-monitor}:${MONITOR_PORT:-5432}/pg_auto_failover?sslmode=require" \
        --replication-quorum true --candidate-priority 50
    fi
    pg_autoctl config set --pgdata "$PGDATA" replication.password "$REPLICATION_PASSWORD" >/dev/null
    ;;
  *) echo "usage: pgaf.sh monitor|node" >&2; exit 2 ;;
esac

pg_autoctl run --pgdata "$PGDATA" &
autoctl=$!
trap 'kill -TERM "$autoctl" 2>/dev/null; wait "$autoctl"' TERM INT
wait_for_postgres

if [ "$role" = monitor ]; then
  local_psql -d pg_auto_failover -v pw="$AUTOCTL_NODE_PASSWORD" <<<"ALTER ROLE autoctl_node PASSWORD :'pw';"
else
  # Only a primary accepts writes; a secondary gets all of this by replication.
  for _ in $(seq 120); do
    if [ "$(local_psql -d postgres -tAc 'SELECT NOT pg_is_in_recovery()')" = t ]; then
      local_psql -d postgres -v rep="$REPLICATION_PASSWORD" -v owner="$AGGREGATOR_OWNER_PASSWORD" -v app="$AGGREGATOR_APP_PASSWORD" <<'SQL'
ALTER ROLE pgautofailover_replicator PASSWORD :'rep';
SELECT format('CREATE ROLE aggregator_owner LOGIN PASSWORD %L', :'owner')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aggregator_owner') \gexec
SELECT format('CREATE ROLE aggregator_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD %L', :'app')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aggregator_app') \gexec
ALTER DATABASE aggregator OWNER TO aggregator_owner;
\connect aggregator
CREATE EXTENSION IF NOT EXISTS ltree;
SQL
      break
    fi
    [ "$(local_psql -d postgres -tAc 'SELECT pg_is_in_recovery()')" = t ] && break
    sleep 1
  done
fi
wait "$autoctl"
