-- Idempotency keys of report submissions: the first answer to (API key, Idempotency-Key), stored in the
-- same transaction as the version it created, so that a retry on any replica replays it.
-- Kept at least 24 hours; the storing code deletes a few expired rows of the tenant on each keyed write.
CREATE TABLE idempotency_keys (
    tenant_id        uuid    NOT NULL,
    api_key_id       text    NOT NULL,
    idempotency_key  text    NOT NULL,
    request_hash     bytea   NOT NULL,
    status_code      integer,
    response_body    text,
    location         text,
    etag             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, api_key_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (tenant_id, created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO $app_role$;
