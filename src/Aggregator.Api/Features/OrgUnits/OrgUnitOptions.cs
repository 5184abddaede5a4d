namespace Aggregator.Api.Features.OrgUnits;

/// <summary>Aggregator:OrgUnits — how large one tenant's tree may grow.</summary>
public sealed class OrgUnitOptions
{
    public const string Section = "Aggregator:OrgUnits";

    /// <summary>
    /// The deepest the database accepts (db/migrations/0006_org_unit_bounds.sql: at most 33 levels with the root).
    /// A tree much deeper than any real one makes every insert into the shared ltree index of org_units slow
    /// for every tenant (a chain of 338 units made them time out).
    /// </summary>
    public const int DeepestSupported = 32;

    /// <summary>How many levels below the tenant's root a unit may sit. China's deepest administrative tree has 5.</summary>
    public int MaxDepth { get; set; } = 8;

    /// <summary>Units per tenant, its root included; past it, adding one is a 409 naming this setting. A province has about 100,000 units in all.</summary>
    public int MaxPerTenant { get; set; } = 5_000;
}
