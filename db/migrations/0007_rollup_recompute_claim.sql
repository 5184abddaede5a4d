-- A recompute asked for over HTTP is queued at most once per (tenant, year): recompute_job_id is the
-- Hangfire job waiting to run it. The request that queues it sets it under the rollup_state row lock (so
-- concurrent requests on any replica get the same job), and the job clears it when it starts.
ALTER TABLE rollup_state
    ADD COLUMN recompute_job_id    text,
    ADD COLUMN recompute_queued_at timestamptz;
