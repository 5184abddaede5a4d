using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Auth;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.ApiKeys.Create;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>The code of the org unit the key acts for.</summary>
    public string OrgUnit { get; init; } = "";
    /// <summary>tenant-admin, reporter, reviewer or viewer.</summary>
    [Vocabulary(Vocabularies.TenantRoles)]
    public string Role { get; init; } = "";
    /// <summary>What the key is for, e.g. "陶然亭街道 reporting system".</summary>
    public string Name { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.OrgUnit).NotEmpty();
            RuleFor(r => r.Role).Must(r => KeyRoles.TenantRoles.Contains(r))
                .WithMessage(_ => ProblemText.RoleOneOf(string.Join(", ", KeyRoles.TenantRoles)));
            RuleFor(r => r.Name).NotEmpty().MaximumCharacters(200);
        }
    }
}

/// <summary>The created key. <c>Key</c> is the secret, shown this once and never again.</summary>
public sealed record Response(Guid Id, string Key, string OrgUnit, [property: Vocabulary(Vocabularies.TenantRoles)] string Role, string Name, DateTime CreatedAt);
