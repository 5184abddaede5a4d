using Aggregator.Api.Errors;
using Aggregator.Data;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>
/// Idempotency-Key handling inside the storing transaction. The key's row is written in the same transaction
/// as the version, so a version and its recorded answer commit together on whichever replica served it.
/// Only successful stores are recorded: a 412, 404 or rule failure rolls the row back with everything else,
/// and a retry of such a request is simply evaluated again.
/// </summary>
internal static class Idempotency
{
    /// <summary>
    /// Retry-After of the 409 for a key still in flight: a write holds its key for the few milliseconds of its
    /// transaction, so a second is ample and a client's retry then gets the first answer.
    /// </summary>
    public const int InFlightRetryAfterSeconds = 1;

    /// <summary>
    /// The claim in one statement, sent with the write's first look (<see cref="Data.LookAsync"/>). A transaction-scoped
    /// advisory lock on the key, tried, not waited for: a second request with the key in flight is told (409) instead of
    /// blocking on the first one's uncommitted row. Then the key's row, inserted — or, when the key expired (kept 24 hours
    /// at least), taken over afresh. Answers whether the lock was free, whether this request claimed the key, and the row
    /// as it was committed before (the recorded answer of an earlier request).
    /// </summary>
    public const string ClaimSql = $"""
        WITH attempt AS MATERIALIZED (SELECT {HeldSql} AS free),
        claimed AS (
            INSERT INTO idempotency_keys AS k (tenant_id, api_key_id, idempotency_key, request_hash)
            SELECT @idemTenantId, @idemKeyId, @idemKey, @idemRequestHash FROM attempt WHERE attempt.free
            ON CONFLICT (tenant_id, api_key_id, idempotency_key) DO UPDATE
               SET request_hash = excluded.request_hash, created_at = now(),
                   status_code = NULL, response_body = NULL, location = NULL, etag = NULL
               WHERE k.created_at < now() - interval '24 hours'
            RETURNING 1)
        SELECT a.free AS Free, EXISTS (SELECT 1 FROM claimed) AS Claimed, k.request_hash AS RequestHash,
               k.status_code AS Status, k.response_body AS Body, k.location AS Location, k.etag AS ETag
        FROM attempt a
        LEFT JOIN idempotency_keys k ON k.tenant_id = @idemTenantId AND k.api_key_id = @idemKeyId AND k.idempotency_key = @idemKey
        """;

    /// <summary>The key's advisory lock, tried: true when this transaction holds it (or now took it).</summary>
    public const string HeldSql = "pg_try_advisory_xact_lock(hashtextextended(@idemTenant || '/' || @idemKeyId || '/' || @idemKey, 0))";

    /// <summary>A key as a request presents it.</summary>
    public sealed record Claim(string ApiKeyId, string Key, byte[] RequestHash)
    {
        public object Parameters(Guid tenantId) => new
        {
            idemTenantId = tenantId, idemTenant = tenantId.ToString(), idemKeyId = ApiKeyId, idemKey = Key, idemRequestHash = RequestHash,
        };
    }

    /// <summary>What <see cref="ClaimSql"/> answered.</summary>
    public sealed record ClaimRow(bool Free, bool Claimed, byte[]? RequestHash, int? Status, string? Body, string? Location, string? ETag);

    /// <summary>
    /// The outcome of a claim: null when this request is the first with the key (it goes on), the recorded answer of an
    /// earlier identical request; 409 while another request with the key is in flight, 422 when the key was used for a
    /// different request.
    /// </summary>
    public static async Task<StoredAnswer?> OutcomeAsync(DbSession db, Claim claim, ClaimRow row)
    {
        if (!row.Free)
            throw new ProblemException(StatusCodes.Status409Conflict,
                ProblemText.IdempotencyInFlight())
            {
                RetryAfterSeconds = InFlightRetryAfterSeconds,
            };
        if (row.Claimed) return null;
        // Committed after this statement's snapshot was taken, and before its insert met it: read it now (rare).
        if (row.RequestHash is null) row = await db.QuerySingleAsync<ClaimRow>(RecordedSql, claim.Parameters(db.Tenant));
        if (!row.RequestHash!.AsSpan().SequenceEqual(claim.RequestHash))
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity,
                ProblemText.IdempotencyReused(),
                type: ProblemTypes.IdempotencyKeyReused);
        return new StoredAnswer(row.Status ?? StatusCodes.Status201Created, row.Body ?? "", row.Location, row.ETag);
    }

    private const string RecordedSql = """
        SELECT true AS Free, false AS Claimed, request_hash AS RequestHash, status_code AS Status, response_body AS Body,
               location AS Location, etag AS ETag
        FROM idempotency_keys
        WHERE tenant_id = @idemTenantId AND api_key_id = @idemKeyId AND idempotency_key = @idemKey
        """;

    /// <summary>The answer recorded with the key, as one statement of the version's write (it answers a count).</summary>
    public const string RecordSql = """
        WITH recorded AS (
            UPDATE idempotency_keys SET status_code = @idemStatus, response_body = @idemBody, location = @idemLocation, etag = @idemETag
            WHERE tenant_id = @idemTenantId AND api_key_id = @idemKeyId AND idempotency_key = @idemKey
            RETURNING 1)
        SELECT count(*) FROM recorded
        """;

    /// <summary>The parameters of <see cref="RecordSql"/>.</summary>
    public sealed record Record(Guid TenantId, Claim Claim, StoredAnswer Answer)
    {
        public object Parameters() => new
        {
            idemTenantId = TenantId, idemKeyId = Claim.ApiKeyId, idemKey = Claim.Key, idemStatus = Answer.Status, idemBody = Answer.Body,
            idemLocation = Answer.Location, idemETag = Answer.ETag,
        };
    }

    /// <summary>Records the answer on its own, when nothing else is written (an unchanged version).</summary>
    public static Task RecordAsync(DbSession db, Record record) => db.QuerySingleAsync<long>(RecordSql, record.Parameters());

    /// <summary>
    /// Keys older than 24 hours of this tenant, a few at a time, skipping rows another writer holds, sent with the claim.
    /// Keeps the table bounded without a separate job: run on one keyed request in <see cref="SweepEvery"/>, it removes
    /// up to 100 rows each time, far more than the requests in between add.
    /// </summary>
    public const int SweepEvery = 16;

    public static bool SweepDue() => Random.Shared.Next(SweepEvery) == 0;

    public const string SweepSql = """
        WITH gone AS (
            DELETE FROM idempotency_keys
            WHERE ctid IN (
                SELECT ctid FROM idempotency_keys
                WHERE tenant_id = @idemTenantId AND created_at < now() - interval '24 hours'
                LIMIT 100 FOR UPDATE SKIP LOCKED)
            RETURNING 1)
        SELECT count(*) FROM gone
        """;
}
