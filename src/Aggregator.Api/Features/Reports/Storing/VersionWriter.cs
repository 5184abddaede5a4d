using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using Aggregator.Data;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>
/// Stores a validated report as a new immutable version, shared by the POST of versions and the storing
/// import: idempotency key, If-Match, the version, the current pointer and value rows, the audit entry and
/// the observers, all in one transaction.
/// </summary>
public sealed class VersionWriter(
    TenantDb tenantDb,
    TemplateCatalog catalog,
    IEnumerable<IFiguresObserver> observers,
    ILogger<VersionWriter> logger)
{
    // Chinese messages readable in the stored answers and warnings, as the API writes them elsewhere.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Returns the answer to send: <paramref name="answer"/>'s for a new version, or the recorded answer of
    /// the first request with the same Idempotency-Key.
    /// </summary>
    public async Task<StoredAnswer> StoreAsync(Submission s, Func<StoredVersion, object> answer, CancellationToken ct)
    {
        var (caller, tenantId, content, preconditions) = (s.Caller, s.TenantId, s.Content, s.Preconditions);
        StoredAnswer result;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            var orgUnitId = await ReportUnit.FindAsync(db, caller, s.OrgCode);
            if (preconditions.IdempotencyKey is { } key)
            {
                if (await Idempotency.ClaimAsync(db, tenantId, caller.KeyId, key, preconditions.RequestHash) is { } recorded)
                    return recorded;
                await Idempotency.SweepExpiredAsync(db, tenantId);
            }

            var current = await Data.LockCurrentAsync(db, orgUnitId, s.Year);
            CheckIfMatch(preconditions.IfMatch, current);

            var version = await Data.AdvanceAsync(db, tenantId, orgUnitId, s.Year, content.Template, content.Hash);
            var createdAt = await Data.InsertVersionAsync(db, tenantId, orgUnitId, s.Year, version, content.Template,
                content.ValuesJson, JsonSerializer.Serialize(s.Warnings, Json), s.Note, content.Hash, caller.KeyId);
            var (codes, values) = ValueRows(content);
            await Data.ReplaceValuesAsync(db, tenantId, orgUnitId, s.Year, codes, values);

            var stored = new StoredVersion(version, ETags.Of(version, content.Hash),
                ReportPaths.Version(s.TenantCode, s.OrgCode, s.Year, version), createdAt);
            await AuditLog.AppendAsync(db, tenantId, caller.Actor, s.AuditAction, $"{s.OrgCode}/{s.Year}",
                new { version, content.Template, etag = stored.ETag, warnings = s.Warnings.Count, idempotencyKey = preconditions.IdempotencyKey });
            foreach (var observer in observers) await observer.OnFiguresChangingAsync(db, tenantId, s.Year, ct);

            result = new StoredAnswer(StatusCodes.Status201Created, JsonSerializer.Serialize(answer(stored), Json), stored.Location, stored.ETag);
            if (preconditions.IdempotencyKey is { } storedKey) await Idempotency.RecordAsync(db, tenantId, caller.KeyId, storedKey, result);
            await db.CommitAsync();
        }

        // The version is committed whatever the client does now: queue its rollup even if it has hung up.
        await NotifyStoredAsync(tenantId, s.Year, CancellationToken.None);
        return result;
    }

    private static void CheckIfMatch(string? ifMatch, Data.CurrentRow? current)
    {
        if (ifMatch is null) return;
        if (current is null)
            throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                "If-Match was sent but this report has no version yet; send the first version without If-Match.");
        var etag = ETags.Of(current.Version, current.ContentHash);
        if (!ETags.ListContains(ifMatch, etag))
            throw new ProblemException(StatusCodes.Status412PreconditionFailed,
                $"The report has changed: its current version is {current.Version} ({etag}). Read it and submit again.",
                new Dictionary<string, object?> { ["currentVersion"] = current.Version, ["currentEtag"] = etag });
    }

    /// <summary>One row per indicator of the template; a code not reported is a missing value, as is null.</summary>
    private (string[] Codes, decimal?[] Values) ValueRows(ReportContent content)
    {
        var template = catalog.Find(content.Template)!;
        var reported = content.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var codes = new string[template.Indicators.Count];
        var values = new decimal?[codes.Length];
        for (var index = 0; index < codes.Length; index++)
        {
            codes[index] = template.Indicators[index].Code;
            values[index] = reported.GetValueOrDefault(codes[index]);
        }
        return (codes, values);
    }

    private async Task NotifyStoredAsync(Guid tenantId, int year, CancellationToken ct)
    {
        foreach (var observer in observers)
        {
            // The version is committed: an observer failing now must not turn the answer into an error.
            try { await observer.OnFiguresChangedAsync(tenantId, year, ct); }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "Observer {Observer} failed after a report version of {Year} was stored", observer.GetType().Name, year);
            }
        }
    }
}
