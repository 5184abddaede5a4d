using Aggregator.Api.OpenApi;
namespace Aggregator.Api.Features.ApiKeys;

/// <summary>A key as listed: never the secret, which is shown once when the key is created.</summary>
public sealed record ApiKeyView(Guid Id, string OrgUnit, [property: Vocabulary(Vocabularies.TenantRoles)] string Role, string Name, DateTime CreatedAt, string CreatedBy, DateTime? RevokedAt);
