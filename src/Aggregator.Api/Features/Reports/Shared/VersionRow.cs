using System.Text.Json;
using Aggregator.Api.OpenApi;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>A stored version as read from report_versions v (joined to org_units o).</summary>
public sealed record VersionRow(
    string OrgUnit, int Year, int Version, int CurrentVersion, string Template, string Values, string Warnings,
    string? Note, byte[] ContentHash, string ApiKeyId, DateTime CreatedAt, string? ApiKeyName,
    string Status, string StatusBy, DateTime StatusAt, string? StatusComment, int? CountedVersion, bool Locked, string? Source)
{
    public const string Columns = """
        o.code AS OrgUnit, v.year AS Year, v.version AS Version, r.current_version AS CurrentVersion,
        v.template AS Template, v.values::text AS Values, v.warnings::text AS Warnings, v.note AS Note,
        v.content_hash AS ContentHash, v.api_key_id AS ApiKeyId, v.created_at AS CreatedAt, k.name AS ApiKeyName,
        v.status AS Status, v.status_by AS StatusBy, v.status_at AS StatusAt, v.status_comment AS StatusComment,
        r.counted_version AS CountedVersion, r.locked AS Locked, v.source::text AS Source
        """;

    /// <summary>
    /// org_units o, reports r and report_versions v of one unit and year, within the caller's scope, with the
    /// api_keys k row of the key that sent the version (none for the platform admin's key).
    /// </summary>
    public const string From = $"""
        org_units o
        JOIN reports r ON r.tenant_id = o.tenant_id AND r.org_unit_id = o.org_unit_id AND r.year = @year
        JOIN report_versions v ON v.tenant_id = r.tenant_id AND v.org_unit_id = r.org_unit_id AND v.year = r.year
        {KeyJoin}
        """;

    /// <summary>The key that sent version v. report_versions keeps the id as text: 'admin' for the platform admin.</summary>
    public const string KeyJoin = "LEFT JOIN api_keys k ON k.tenant_id = v.tenant_id AND k.api_key_id::text = v.api_key_id";

    public string ETag => ETags.Of(Version, ContentHash);

    /// <summary>code → value in the template's order (codes the template no longer knows last).</summary>
    public IReadOnlyList<KeyValuePair<string, decimal?>> ValuesInOrder(TemplateCatalog catalog)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, decimal?>>(Values) ?? [];
        var template = catalog.Find(Template);
        return values
            .OrderBy(pair => template is not null && template.TryGetPosition(pair.Key, out var position) ? position : int.MaxValue)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<RuleFinding> WarningList() =>
        JsonSerializer.Deserialize<List<RuleFinding>>(Warnings, JsonSerializerOptions.Web) ?? [];
}

/// <summary>
/// A version as the API shows it: its values, the warnings stored with it, who sent it and when.
/// <c>reportedBy</c> is the sending key's id (<c>admin</c> for the platform admin), <c>reportedByName</c> its name.
/// <c>status</c> is its review status, moved by <c>statusBy</c> (an actor: <c>key:…</c>, <c>admin</c>, or <c>system</c>
/// when review was off) at <c>statusAt</c>; <c>counts</c>: this is the version the figures count (the newest accepted one);
/// <c>locked</c>: a reviewer accepted the year and no new version can be posted until it is reopened.
/// <c>source</c>: where a version handed up by a lower level comes from (null for a unit's own report).
/// </summary>
public sealed record VersionView(
    string OrgUnit, int Year, [property: Vocabulary(Vocabularies.Templates)] string Template, int Version, bool Current, string Etag,
    [property: ReportValues] IReadOnlyDictionary<string, decimal?> Values, IReadOnlyList<RuleFinding> Warnings, string? Note,
    string ReportedBy, string? ReportedByName, DateTime ReportedAt,
    [property: Vocabulary(Vocabularies.ReviewStatuses)] string Status, string StatusBy, DateTime StatusAt, string? StatusComment,
    bool Counts, bool Locked, VersionSource? Source)
{
    public static VersionView From(VersionRow row, TemplateCatalog catalog) => new(
        row.OrgUnit, row.Year, row.Template, row.Version, row.Version == row.CurrentVersion, row.ETag,
        new OrderedValues(row.ValuesInOrder(catalog)), row.WarningList(), row.Note, row.ApiKeyId, row.ApiKeyName, row.CreatedAt,
        row.Status, row.StatusBy, row.StatusAt, row.StatusComment, row.Version == row.CountedVersion, row.Locked,
        VersionSource.FromJson(row.Source));
}
