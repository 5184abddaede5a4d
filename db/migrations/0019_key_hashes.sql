-- A schema Citus can distribute (issue 22): every unique key of a tenant table includes tenant_id.
--
-- api_keys.key_hash was unique across tenants, because authentication finds a key by its hash before the tenant is
-- known. That lookup moves to api_key_hashes, one row per key (hash → tenant, key), which Citus keeps as a reference
-- table (a copy on every node: the lookup reads one row on the node it runs on, whatever the tenant). It holds no
-- secret and nothing a caller could not learn from its own key: the hash, the tenant, the key's id and whether it was
-- revoked. It is written in the same transaction as the key (created, revoked); its UNIQUE (key_hash) is what keeps
-- hashes unique now (a reference table's unique keys need not name the tenant), and api_keys' own unique key becomes
-- (tenant_id, key_hash). Its primary key leads with tenant_id, as every table's of the public schema does.
CREATE TABLE api_key_hashes (
    tenant_id   uuid        NOT NULL REFERENCES tenants (tenant_id),
    api_key_id  uuid        NOT NULL,
    key_hash    bytea       NOT NULL UNIQUE,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, api_key_id)
);

-- Existing keys, read as the owner: FORCE ROW LEVEL SECURITY would show it none of them, so it is lifted for this
-- transaction and put back. Row-level security on the new table is switched on after it is filled, for the same reason.
ALTER TABLE api_keys NO FORCE ROW LEVEL SECURITY;
INSERT INTO api_key_hashes (key_hash, tenant_id, api_key_id, revoked_at)
SELECT key_hash, tenant_id, api_key_id, revoked_at FROM api_keys;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;

ALTER TABLE api_keys DROP CONSTRAINT api_keys_key_hash_key;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_key_hash UNIQUE (tenant_id, key_hash);

-- The lookup by hash reads api_key_hashes now: api_keys shows its rows to their own tenant only. A transaction that
-- presents a hash (app.key_hash) may read that one hash row, as it could read that one key row before, and learns the
-- tenant to enter; everything else it reads of the key is read in the tenant's scope.
DROP POLICY key_lookup ON api_keys;

ALTER TABLE api_key_hashes ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_key_hashes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_key_hashes
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY key_lookup ON api_key_hashes FOR SELECT
    USING (key_hash = decode(nullif(current_setting('app.key_hash', true), ''), 'hex'));

-- Keys are added and revoked, never changed otherwise or removed.
GRANT SELECT, INSERT ON api_key_hashes TO $app_role$;
GRANT UPDATE (revoked_at) ON api_key_hashes TO $app_role$;
