namespace Aggregator.Api.Features.Publications.Public;

/// <summary>The route of <c>/public/v1/{tenant}</c>.</summary>
public sealed class TenantRequest
{
    public string Tenant { get; init; } = "";
}

/// <summary>The route of <c>/public/v1/{tenant}/{year}</c> and its .csv and .xlsx.</summary>
public sealed class YearRequest
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }
}

/// <summary>The route of <c>/public/v1/{tenant}/{year}/editions/{n}</c>.</summary>
public sealed class EditionRequest
{
    public string Tenant { get; init; } = "";
    public int Year { get; init; }
    public int N { get; init; }
}

/// <summary>One published edition as the list shows it: its year and number, when it was published, how many indicators changed against the edition before, and whether it is the year's latest.</summary>
public sealed record EditionItem(int Year, int Edition, DateTime PublishedAt, int Changes, bool Latest);

/// <summary>What a tenant has published: every edition of every year, the newest first.</summary>
public sealed record EditionsView(string Tenant, string TenantName, IReadOnlyList<EditionItem> Items);
