namespace Aggregator.Api.Features.ApiKeys;

/// <summary>Aggregator:ApiKeys — how many keys one tenant may hold.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Aggregator:ApiKeys";

    /// <summary>Active (unrevoked) keys per tenant; past it, creating one is a 409 naming this setting.</summary>
    public int MaxPerTenant { get; set; } = 1_000;
}
