using Aggregator.Api.Auth;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Data;
using Dapper;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.History;

public sealed class Request : ReportRequest;

/// <summary>
/// One version in the history; read it whole at <c>…/versions/{version}</c>. <c>reportedBy</c> is the id of the key
/// that sent it (<c>admin</c> for the platform admin), <c>reportedByName</c> that key's name. <c>status</c>: its review
/// status, moved there by <c>statusBy</c> at <c>statusAt</c>; <c>counts</c>: the figures count this version.
/// </summary>
public sealed record VersionSummary(int Version, bool Current, [property: Vocabulary(Vocabularies.Templates)] string Template, string Etag, int Warnings, string? Note,
    string ReportedBy, string? ReportedByName, DateTime ReportedAt,
    [property: Vocabulary(Vocabularies.ReviewStatuses)] string Status, string StatusBy, DateTime StatusAt, string? StatusComment, bool Counts,
    VersionSource? Source);

public sealed record Response(string OrgUnit, int Year, IReadOnlyList<VersionSummary> Items);

public sealed class Endpoint(TenantDb tenantDb) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/org-units/{org}/reports/{year}/versions");
        Group<TenantGroup>();
        Description(d => d.WithTags("Reports").AllowedForAnyKey());
        Summary(s => s.Summary = "Every version of the unit's report for the year, newest first.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        const string sql = $"""
            SELECT {VersionRow.Columns}
            FROM {VersionRow.From}
            WHERE o.code = @org AND {OrgScope.SqlFilter}
            ORDER BY v.version DESC
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller, tenantId));
        parameters.AddDynamicParams(new { org = req.Org, year = req.Year });

        await using var db = await tenantDb.BeginAsync(tenantId, ct);
        var rows = (await db.QueryAsync<VersionRow>(sql, parameters)).ToList();
        await db.CommitAsync();
        if (rows.Count == 0) throw ProblemException.NotFound(ProblemText.ReportNotFound(req.Org, req.Year));

        var items = rows.Select(row => new VersionSummary(row.Version, row.Version == row.CurrentVersion, row.Template,
            row.ETag, row.WarningList().Count, row.Note, row.ApiKeyId, row.ApiKeyName, row.CreatedAt,
            row.Status, row.StatusBy, row.StatusAt, row.StatusComment, row.Version == row.CountedVersion,
            VersionSource.FromJson(row.Source))).ToList();
        await Send.OkAsync(new Response(req.Org, req.Year, items), ct);
    }
}
