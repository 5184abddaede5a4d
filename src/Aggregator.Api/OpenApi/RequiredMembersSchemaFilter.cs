using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// Every member of an answer that cannot be null is always sent, so the document marks it required:
/// strict generated clients then type it as present. Members that can be null (<c>string?</c>, <c>int?</c>) may
/// be null or, for problem extensions, absent.
/// </summary>
public sealed class RequiredMembersSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } target || context.MemberInfo is not null) return;
        if (context.Type.Namespace?.StartsWith("Aggregator.", StringComparison.Ordinal) != true) return;

        target.Required ??= new HashSet<string>();
        foreach (var (name, member) in target.Properties)
            if (!CanBeNull(member)) target.Required.Add(name);
    }

    private static bool CanBeNull(IOpenApiSchema member) =>
        member.Type?.HasFlag(JsonSchemaType.Null) == true
        || member.OneOf?.Any(CanBeNull) == true
        || member.AnyOf?.Any(CanBeNull) == true;
}
