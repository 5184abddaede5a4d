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
    /// Claims the key for this transaction. Returns the recorded answer of an earlier identical request, or
    /// null when this request is the first; throws 409 while another request with the key is in flight and
    /// 422 when the key was used for a different request.
    /// </summary>
    public static async Task<StoredAnswer?> ClaimAsync(DbSession db, Guid tenantId, string apiKeyId, string key, byte[] requestHash)
    {
        // Without this a second request would block on the first one's uncommitted row; with it, it is told.
        const string tryLock = "SELECT pg_try_advisory_xact_lock(hashtextextended(@tenant || '/' || @apiKeyId || '/' || @key, 0))";
        // Keys are kept for 24 hours at least; an expired key of this caller is free to be used again.
        const string dropExpired = """
            DELETE FROM idempotency_keys
            WHERE tenant_id = @tenantId AND api_key_id = @apiKeyId AND idempotency_key = @key
              AND created_at < now() - interval '24 hours'
            """;
        const string claim = """
            INSERT INTO idempotency_keys (tenant_id, api_key_id, idempotency_key, request_hash)
            VALUES (@tenantId, @apiKeyId, @key, @requestHash)
            ON CONFLICT DO NOTHING
            """;
        const string recorded = """
            SELECT request_hash AS RequestHash, status_code AS Status, response_body AS Body, location AS Location, etag AS ETag
            FROM idempotency_keys
            WHERE tenant_id = @tenantId AND api_key_id = @apiKeyId AND idempotency_key = @key
            """;

        var parameters = new { tenantId, tenant = tenantId.ToString(), apiKeyId, key, requestHash };
        if (!await db.QuerySingleAsync<bool>(tryLock, parameters))
            throw new ProblemException(StatusCodes.Status409Conflict,
                ProblemText.IdempotencyInFlight())
            {
                RetryAfterSeconds = InFlightRetryAfterSeconds,
            };

        await db.ExecuteAsync(dropExpired, parameters);
        if (await db.ExecuteAsync(claim, parameters) == 1) return null;

        var row = await db.QuerySingleAsync<RecordedRow>(recorded, parameters);
        if (!row.RequestHash.AsSpan().SequenceEqual(requestHash))
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity,
                ProblemText.IdempotencyReused(),
                type: ProblemTypes.IdempotencyKeyReused);
        return new StoredAnswer(row.Status ?? StatusCodes.Status201Created, row.Body ?? "", row.Location, row.ETag);
    }

    public static Task RecordAsync(DbSession db, Guid tenantId, string apiKeyId, string key, StoredAnswer answer)
    {
        const string sql = """
            UPDATE idempotency_keys SET status_code = @Status, response_body = @Body, location = @Location, etag = @ETag
            WHERE tenant_id = @tenantId AND api_key_id = @apiKeyId AND idempotency_key = @key
            """;
        return db.ExecuteAsync(sql, new { tenantId, apiKeyId, key, answer.Status, answer.Body, answer.Location, answer.ETag });
    }

    /// <summary>
    /// Keys older than 24 hours of this tenant, a few at a time, skipping rows another writer holds.
    /// Keeps the table bounded without a separate job: run on one keyed request in <see cref="SweepEvery"/>, it removes
    /// up to 100 rows each time, far more than the requests in between add, at a round trip per 16 requests instead of each.
    /// </summary>
    public const int SweepEvery = 16;

    public static bool SweepDue() => Random.Shared.Next(SweepEvery) == 0;

    public static Task SweepExpiredAsync(DbSession db, Guid tenantId)
    {
        const string sql = """
            DELETE FROM idempotency_keys
            WHERE ctid IN (
                SELECT ctid FROM idempotency_keys
                WHERE tenant_id = @tenantId AND created_at < now() - interval '24 hours'
                LIMIT 100 FOR UPDATE SKIP LOCKED)
            """;
        return db.ExecuteAsync(sql, new { tenantId });
    }

    private sealed record RecordedRow(byte[] RequestHash, int? Status, string? Body, string? Location, string? ETag);
}
