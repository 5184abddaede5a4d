using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Publications.Publish;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>The year to publish.</summary>
    public int Year { get; init; }
    /// <summary>The unit whose consolidated figures are published: the tenant's root (the district publishes its consolidated year).</summary>
    public string OrgUnit { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
                .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
            RuleFor(r => r.OrgUnit).NotEmpty().Matches(Codes.Pattern);
        }
    }
}
