using System.Text.Json;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Audit.List;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>Only entries about this org unit (its code).</summary>
    [QueryParam]
    public string? Unit { get; init; }
    /// <summary>Only entries about this year.</summary>
    [QueryParam]
    public int? Year { get; init; }
    /// <summary>Only entries by this actor: <c>key:&lt;id&gt;</c>, <c>admin</c> or <c>system</c>.</summary>
    [QueryParam]
    public string? Actor { get; init; }
    /// <summary>The cursor: the <c>next</c> of the previous page (entries older than it).</summary>
    [QueryParam]
    public long? After { get; init; }
    [QueryParam]
    public int Limit { get; init; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Unit).Matches(Codes.Pattern).When(r => r.Unit is not null);
            RuleFor(r => r.Actor).MaximumCharacters(100);
            RuleFor(r => r.Year).InclusiveBetween(1900, 9999);
            RuleFor(r => r.After).GreaterThan(0);
            RuleFor(r => r.Limit).InclusiveBetween(1, 500);
        }
    }
}

/// <summary>
/// One write or transition. <c>actor</c>: <c>key:&lt;id&gt;</c>, <c>admin</c> or <c>system</c>. <c>action</c>, e.g.
/// report.version-submitted, report.version-patched, report.version-accepted, report.version-returned, report.reopened, settings.changed,
/// deadline.set, api-key.created. <c>orgUnit</c>/<c>year</c>: what it is about, when it is about a unit or a year.
/// </summary>
public sealed record Entry(long Id, DateTime At, string Actor, string Action, string Subject, string? OrgUnit, int? Year, JsonElement Details);

/// <summary>Newest first. <c>next</c>: the cursor (<c>after</c>) of the next page, null on the last page.</summary>
public sealed record Response(IReadOnlyList<Entry> Items, long? Next);
