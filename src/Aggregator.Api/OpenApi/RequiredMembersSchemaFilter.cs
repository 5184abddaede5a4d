using System.Reflection;
using System.Text.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// Every member of an answer that cannot be null is always sent, so the document marks it required:
/// strict generated clients then type it as present. A member that can be null (<c>string?</c>, <c>int?</c>,
/// <c>StoredRef?</c>) is documented as nullable, also where it refers to another schema (Swashbuckle leaves
/// a bare <c>$ref</c> there, which would forbid the null the API sends): see <see cref="NullOr"/>.
/// </summary>
public sealed class RequiredMembersSchemaFilter : ISchemaFilter
{
    private readonly NullabilityInfoContext _nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } target || context.MemberInfo is not null) return;
        if (context.Type.Namespace?.StartsWith("Aggregator.", StringComparison.Ordinal) != true) return;

        var members = context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(property => JsonNamingPolicy.CamelCase.ConvertName(property.Name), StringComparer.Ordinal);
        target.Required ??= new HashSet<string>();
        foreach (var name in target.Properties.Keys.ToList())
        {
            var member = target.Properties[name];
            if (member is OpenApiSchemaReference reference && members.TryGetValue(name, out var property)
                && _nullability.Create(property).ReadState == NullabilityState.Nullable)
            {
                target.Properties[name] = NullOr(reference);
                continue;
            }
            if (!CanBeNull(member)) target.Required.Add(name);
        }
    }

    /// <summary>
    /// The referenced schema, or null. OpenAPI 3.0 lets <c>nullable</c> widen only a schema with a <c>type</c> of its
    /// own, never a <c>$ref</c> or an <c>allOf</c> (validators and linters then reject the null): so one of the
    /// reference and the schema of null alone (<c>nullable</c>, <c>enum: [null]</c>).
    /// </summary>
    private static OpenApiSchema NullOr(IOpenApiSchema reference) => new()
    {
        OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, Enum = [null!] }],
    };

    private static bool CanBeNull(IOpenApiSchema member) =>
        member.Type?.HasFlag(JsonSchemaType.Null) == true
        || member.OneOf?.Any(CanBeNull) == true
        || member.AnyOf?.Any(CanBeNull) == true;
}
