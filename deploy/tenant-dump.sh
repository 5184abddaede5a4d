#!/bin/bash
# One tenant's rows as a psql script that puts them back:
#   deploy/tenant-dump.sh 110102 > tenant-110102.sql          # dump (as the owner role, see below)
#   psql -v ON_ERROR_STOP=1 -f tenant-110102.sql               # restore, into a database at the same migration
# The connection comes from libpq's variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), as the owner
# role or any role that may read and write the tables. Row-level security is forced even on the owner, so the
# dump reads through the tenant's own scope (app.tenant_id), and the restore writes through it: neither can
# touch another tenant's rows. The restore is one transaction; it fails, changing nothing, if any of the
# tenant's rows are still there (delete the tenant's rows first, or restore into another database).
# Hangfire's queue is not dumped, nor the job ids that name its jobs (job_handles): the restored rollup_state rows
# keep their dirty flags, and the hourly sweep (or POST …/recompute) brings any stale figures up to date.
set -euo pipefail
code="${1:?usage: tenant-dump.sh TENANT_CODE > tenant.sql}"

# Parents before children: the order of the foreign keys; org units by depth (parent_id refers to org_units).
tables=(
  "tenants|"
  "org_units|ORDER BY nlevel(path), org_unit_id"
  "api_keys|" "api_key_hashes|" "audit_log|" "deadlines|"
  "reports|" "report_versions|" "report_values|" "idempotency_keys|" "csv_imports|"
  "rollup_state|" "figure_changes|" "rollup_values|" "rollup_completeness|" "comparison_state|" "comparison_values|"
)

tenant_id=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -v code="$code" <<'SQL'
SET app.scope = 'platform';
SELECT tenant_id FROM tenants WHERE code = :'code';
SQL
)
[ -n "$tenant_id" ] || { echo "no tenant with the code $code" >&2; exit 1; }

echo "-- Aggregator tenant $code ($tenant_id), dumped $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "-- at migration $(psql -X -A -t -c 'SELECT max(scriptname) FROM schemaversions')"
echo "\\set ON_ERROR_STOP on"
echo "BEGIN;"
echo "SELECT set_config('app.tenant_id', '$tenant_id', true);"
for entry in "${tables[@]}"; do
  table="${entry%%|*}"
  order="${entry#*|}"
  # COPY FROM refuses a table under row-level security: the rows go through a temporary copy, then INSERT
  # (which the policies check).
  echo "CREATE TEMP TABLE restore_$table (LIKE $table) ON COMMIT DROP;"
  echo "COPY restore_$table FROM STDIN;"
  psql -X -q -v ON_ERROR_STOP=1 -c "SET app.tenant_id = '$tenant_id'" \
       -c "COPY (SELECT * FROM $table WHERE tenant_id = '$tenant_id' $order) TO STDOUT"
  echo "\\."
  # An audit entry's position counts in the transaction ids of the cluster it was written in; restored, the entries
  # take the restore's transaction (their audit_id keeps their order), or they would be held back, or sort above
  # entries written later, in a cluster whose transaction ids are lower.
  if [ "$table" = audit_log ]; then echo "UPDATE restore_audit_log SET xact_id = pg_current_xact_id();"; fi
  echo "INSERT INTO $table SELECT * FROM restore_$table;"
done
# Identity columns: a restore into another database must not hand out ids the restored rows already use.
for identity in "org_units org_unit_id" "audit_log audit_id" "report_versions seq"; do
  set -- $identity
  echo "SELECT setval(pg_get_serial_sequence('$1', '$2'), greatest((SELECT max($2) FROM $1), nextval(pg_get_serial_sequence('$1', '$2'))));"
done
echo "COMMIT;"
