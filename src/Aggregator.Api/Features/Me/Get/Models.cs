using Aggregator.Api.OpenApi;

namespace Aggregator.Api.Features.Me.Get;

/// <summary>A tenant or an org unit, by its code and name.</summary>
public sealed record NamedCode(string Code, string Name);

/// <summary>
/// Who the key is: its id and name, its role, and the tenant and org unit it acts for. The platform admin's key has no
/// tenant and no unit (both null); its id is <c>admin</c>.
/// </summary>
public sealed record Response(
    string KeyId,
    string KeyName,
    [property: Vocabulary(Vocabularies.Roles)] string Role,
    NamedCode? Tenant,
    NamedCode? OrgUnit);
