using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.OrgUnits.Create;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>sub-district, township, department, office, …</summary>
    [Vocabulary(Vocabularies.OrgUnitKinds)]
    public string Kind { get; init; } = "";
    /// <summary>The parent's code in the same tenant; omitted, the tenant's root.</summary>
    public string? Parent { get; init; }
    /// <summary>True for a unit with children that also reports figures of its own (a district office).</summary>
    public bool Reports { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches(Codes.Pattern)
                .WithMessage(_ => ProblemText.CodeFormat());
            RuleFor(r => r.Name).NotEmpty().MaximumCharacters(200);
            RuleFor(r => r.Kind).Must(k => Codes.OrgUnitKinds.Contains(k))
                .WithMessage(_ => ProblemText.KindOneOf(string.Join(", ", Codes.OrgUnitKinds)));
            RuleFor(r => r.Parent).Matches(Codes.Pattern).When(r => r.Parent is not null);
        }
    }
}
