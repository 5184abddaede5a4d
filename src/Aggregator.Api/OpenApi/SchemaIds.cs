namespace Aggregator.Api.OpenApi;

/// <summary>
/// Schema ids from the namespace: every slice has its own Request and Response, so the short name alone
/// collides. Features.Reports.Submit.Response becomes ReportsSubmitResponse: one identifier, because code
/// generators keep only the last dot-separated segment of a name and would number the rest (Response2…).
/// </summary>
public static class SchemaIds
{
    private const string FeaturesNamespace = "Aggregator.Api.Features.";

    public static string For(Type type)
    {
        var name = type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}Of{string.Join("And", type.GetGenericArguments().Select(For))}"
            : type.Name;
        if (type.DeclaringType is { } outer) name = $"{For(outer)}{name}";
        else if (type.Namespace?.StartsWith(FeaturesNamespace, StringComparison.Ordinal) == true)
            name = $"{type.Namespace[FeaturesNamespace.Length..].Replace(".", "", StringComparison.Ordinal)}{name}";
        return name;
    }
}
