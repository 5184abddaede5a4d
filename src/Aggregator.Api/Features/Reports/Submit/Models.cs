using System.Text.Json;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Reports.Submit;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
    /// <summary>The template code, e.g. bj-gip-2017; it must apply to the year.</summary>
    public string Template { get; init; } = "";
    /// <summary>Indicator code → number or null (reported empty). Kept as JSON so that a bad value is reported against its indicator.</summary>
    [ReportValues]
    public JsonElement Values { get; init; }
    /// <summary>Optional, e.g. what this version corrects.</summary>
    public string? Note { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Year).Must(ReportYears.Accepts).WithMessage(_ => ReportYears.Message);
            RuleFor(r => r.Template).NotEmpty();
            RuleFor(r => r.Note).MaximumLength(2000);
        }
    }
}

/// <summary>The stored version. Warnings are stored with it and shown on every read.</summary>
public sealed record Response(string OrgUnit, int Year, string Template, int Version, string Etag,
    IReadOnlyList<RuleFinding> Warnings, DateTime ReportedAt);
