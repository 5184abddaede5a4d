#!/bin/bash
# PgBouncer in transaction mode in front of one PostgreSQL node (DB_HOST, port 5432, database aggregator), for the
# app role only (AGGREGATOR_APP_PASSWORD): the API's and the worker's pooled connections. What needs a session
# (LISTEN, Hangfire, the schema lock) goes straight to the nodes (Aggregator__Database__DirectConnectionString),
# and the owner's migration never comes here. PgBouncer 1.18 keeps no prepared statements across transactions, so
# the service turns Npgsql's automatic preparation off when a direct connection string is given.
set -euo pipefail
: "${DB_HOST:?}" "${AGGREGATOR_APP_PASSWORD:?}"
dir=$(mktemp -d)
umask 077
printf '"aggregator_app" "%s"\n' "${AGGREGATOR_APP_PASSWORD//\"/\"\"}" >"$dir/userlist.txt"
cat >"$dir/pgbouncer.ini" <<INI
[databases]
aggregator = host=${DB_HOST} port=5432 dbname=aggregator

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
pool_mode = transaction
auth_type = scram-sha-256
auth_file = ${dir}/userlist.txt
max_client_conn = ${MAX_CLIENT_CONN:-1000}
default_pool_size = ${DEFAULT_POOL_SIZE:-20}
server_tls_sslmode = require
ignore_startup_parameters = extra_float_digits
server_check_delay = 5
INI
exec pgbouncer "$dir/pgbouncer.ini"
