using Aggregator.Api.OpenApi;
namespace Aggregator.Api.Features.OrgUnits;

/// <summary>An org unit as the API shows it; parent is the parent's code (null for the tenant's root).</summary>
public sealed record OrgUnitView(string Code, string Name, [property: Vocabulary(Vocabularies.OrgUnitKinds)] string Kind, string? Parent, bool Reports, int Depth, DateTime CreatedAt)
{
    /// <summary>The columns that fill an OrgUnitView, for a query over org_units o.</summary>
    public const string Columns = """
        o.code AS Code, o.name AS Name, o.kind AS Kind,
        (SELECT p.code FROM org_units p WHERE p.tenant_id = o.tenant_id AND p.org_unit_id = o.parent_id) AS Parent,
        o.reports AS Reports, nlevel(o.path) - 1 AS Depth, o.created_at AS CreatedAt
        """;
}
