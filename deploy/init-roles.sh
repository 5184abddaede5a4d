#!/bin/bash
# Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d): the two roles Aggregator
# expects — the owner of the schema, and the app role that owns nothing and cannot bypass row-level
# security — with their passwords from the env file, and the database owned by the owner.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$AGGREGATOR_OWNER_PASSWORD" -v app_password="$AGGREGATOR_APP_PASSWORD" <<'SQL'
CREATE ROLE aggregator_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE aggregator_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE aggregator OWNER aggregator_owner;
\connect aggregator
CREATE EXTENSION IF NOT EXISTS ltree;
SQL
