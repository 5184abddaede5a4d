using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Tenants.Create;

public sealed class Request
{
    /// <summary>The district's (or city's) code, e.g. the division code 110102.</summary>
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>province, city, district or county.</summary>
    [Vocabulary(Vocabularies.TenantKinds)]
    public string Kind { get; init; } = "";
    /// <summary>The IANA time zone the tenant keeps its calendar in (which year it is); default Asia/Shanghai.</summary>
    public string? TimeZone { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches(Codes.Pattern)
                .WithMessage(_ => ProblemText.CodeFormat());
            RuleFor(r => r.Name).NotEmpty().MaximumCharacters(200);
            RuleFor(r => r.Kind).Must(k => Codes.TenantKinds.Contains(k))
                .WithMessage(_ => ProblemText.KindOneOf(string.Join(", ", Codes.TenantKinds)));
            RuleFor(r => r.TimeZone).Must(TimeZones.IsKnown).When(r => r.TimeZone is not null).WithMessage(_ => ProblemText.TimeZoneUnknown());
        }
    }
}

public sealed record Response(string Code, string Name, [property: Vocabulary(Vocabularies.TenantKinds)] string Kind, string TimeZone, DateTime CreatedAt);
