using System.Globalization;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// Hands a tenant's year up (逐级上报): the root's consolidated figures as stored (accepted versions only), the year's
/// template and its summable indicators only, POSTed as a version of the tenant's unit upstream with the link's key,
/// an Idempotency-Key of (tenant, year, generation) and the version's <c>source</c>. Upstream answers as it answers any
/// reporter: 201 a new version, 200 unchanged (the same figures), or a refusal, which fails the job with its reason.
/// Arguments are ids only: the key is read from upstream_links and decrypted here, never passed through Hangfire.
/// </summary>
public sealed class UpstreamSubmissionJob(TenantDb tenantDb, TemplateCatalog catalog, UpstreamKeys keys, UpstreamClient client,
    TimeProvider clock, ILogger<UpstreamSubmissionJob> logger)
{
    public const string Queue = "upstream";
    public const string AuditAction = "upstream.year-handed-up";

    /// <summary>The Idempotency-Key upstream sees: a retry of the same generation is answered, not stored again.</summary>
    public static string IdempotencyKey(string tenantCode, int year, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"upstream:{tenantCode}:{year}:g{generation}");

    /// <summary>The tenant id first: the jobs endpoint finds every job's tenant in its first argument.</summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(Guid tenantId, Guid submissionId, CancellationToken ct)
    {
        UpstreamSubmission submission;
        UpstreamLink link;
        RootFigures figures;
        Dictionary<string, decimal?> sums;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            submission = await UpstreamData.SubmissionAsync(db, submissionId) ?? throw new InvalidOperationException($"Hand-up {submissionId} is gone.");
            await QueuingKey.RequireActiveAsync(db, submission.ApiKeyId);
            link = await UpstreamData.LinkAsync(db) ?? throw new JobRefusedException("no-upstream", "本租户已没有上级链接：未报送任何内容。");
            await db.CommitAsync();
        }
        // The generation and the sums from one snapshot: a rollup committing between the two reads cannot mix them.
        await using (var snapshot = await tenantDb.BeginSnapshotAsync(tenantId, ct))
        {
            figures = await UpstreamData.RootFiguresAsync(snapshot, submission.Year);
            sums = await UpstreamData.RootValuesAsync(snapshot, submission.Year, figures.OrgUnitId);
            await snapshot.CommitAsync();
        }

        try
        {
            // The figures must be those the request saw: a version stored or reviewed since makes another generation.
            if (figures.Stale || figures.Generation != submission.Generation || figures.Template is null)
                throw new JobRefusedException("figures-changed",
                    $"{submission.Year} 年的汇总数据在请求报送后已变化（请求时第 {submission.Generation} 代，现在第 {figures.Generation?.ToString(CultureInfo.InvariantCulture) ?? "—"} 代{(figures.Stale ? "，正在重算" : "")}）：未报送；请在重算完成后再次报送。");
            var template = catalog.Find(figures.Template)
                           ?? throw new JobRefusedException("unknown-template", $"模板 {figures.Template} 已不存在：未报送。");
            var values = template.Indicators
                .Where(indicator => indicator.Aggregate == AggregateKind.Sum && sums.ContainsKey(indicator.Code))
                .ToDictionary(indicator => indicator.Code, indicator => sums[indicator.Code], StringComparer.Ordinal);
            var source = new
            {
                tenant = figures.TenantCode,
                name = figures.TenantName,
                generation = figures.Generation,
                computedAt = figures.ComputedAt is { } at ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : (DateTime?)null,
                completeness = new { expected = figures.Expected, counted = figures.Counted, missing = figures.Missing.Union(figures.AwaitingReview).Order(StringComparer.Ordinal).ToArray() },
                reason = submission.Reason,
            };
            var key = keys.Unprotect(tenantId, link.KeyProtected);
            var answer = await client.PostAsync(link.Url, key, $"{UpstreamClient.ReportPath(link.Tenant, link.OrgUnit, submission.Year)}/versions",
                new { template = template.Code, values, source }, IdempotencyKey(figures.TenantCode, submission.Year, submission.Generation), ct);

            if (answer.Status is 200 or 201)
            {
                var unchanged = answer.Body?.TryGetProperty("unchanged", out var u) == true && u.ValueKind == System.Text.Json.JsonValueKind.True;
                var version = answer.Body?.TryGetProperty("version", out var v) == true && v.TryGetInt32(out var n) ? n : (int?)null;
                var status = answer.Text("status");
                var state = unchanged ? "unchanged" : "submitted";
                await using var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None);
                await UpstreamData.FinishAsync(db, submissionId, state, link.Url, link.Tenant, link.OrgUnit, version, clock.GetUtcNow(), null, status);
                await UpstreamData.AuditAsync(db, $"key:{submission.ApiKeyId}", AuditAction, submission.Year, new
                {
                    submissionId, state, generation = submission.Generation, upstream = new { url = link.Url, tenant = link.Tenant, orgUnit = link.OrgUnit },
                    upstreamVersion = version, indicators = values.Count, allowIncomplete = submission.AllowIncomplete, reason = submission.Reason,
                });
                await db.CommitAsync();
                logger.LogInformation("Year {Year} handed up to {UpstreamTenant}/{UpstreamOrgUnit}: {State}, version {Version}",
                    submission.Year, link.Tenant, link.OrgUnit, state, version);
                return;
            }
            throw new JobRefusedException(Refusal(answer.Status),
                $"上级 {link.Tenant}/{link.OrgUnit} 拒绝了报送（HTTP {answer.Status}）：{answer.Text("detail") ?? answer.Text("title") ?? "无说明"}");
        }
        catch (Exception error) when (error is JobRefusedException or UpstreamUnreachableException or UpstreamNotAllowedException)
        {
            await using (var db = await tenantDb.BeginAsync(tenantId, CancellationToken.None))
            {
                await UpstreamData.FinishAsync(db, submissionId, "failed", link.Url, link.Tenant, link.OrgUnit, null, null, error.Message, null);
                await UpstreamData.AuditAsync(db, $"key:{submission.ApiKeyId}", "upstream.year-hand-up-failed", submission.Year,
                    new { submissionId, generation = submission.Generation, error = error.Message });
                await db.CommitAsync();
            }
            logger.LogWarning("Handing up {Year} failed: {Reason}", submission.Year, error.Message);
            throw;
        }
    }

    /// <summary>A stable code for what upstream answered.</summary>
    public static string Refusal(int status) => status switch
    {
        401 => "upstream-key-refused",
        403 or 404 => "upstream-not-allowed",
        409 => "upstream-locked",
        422 => "upstream-rules",
        _ => "upstream-error",
    };
}
