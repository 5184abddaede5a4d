namespace Aggregator.Api.OpenApi;

/// <summary>
/// Schema ids from the namespace: every slice has its own Request and Response, so the short name alone
/// collides. Features.ApiKeys.List.Request becomes ApiKeys.List.Request.
/// </summary>
public static class SchemaIds
{
    private const string FeaturesNamespace = "Aggregator.Api.Features.";

    public static string For(Type type)
    {
        var name = type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`')]}Of{string.Join("And", type.GetGenericArguments().Select(For))}"
            : type.Name;
        if (type.DeclaringType is { } outer) name = $"{For(outer)}.{name}";
        else if (type.Namespace?.StartsWith(FeaturesNamespace, StringComparison.Ordinal) == true)
            name = $"{type.Namespace[FeaturesNamespace.Length..]}.{name}";
        return name;
    }
}
