using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Review;

/// <summary>A review move on one version of a unit's report.</summary>
public class VersionReviewRequest : ReportRequest
{
    /// <summary>The version number.</summary>
    public int V { get; init; }
    /// <summary>Why: shown on the version as statusComment and kept in the audit log.</summary>
    public string? Comment { get; init; }
}

/// <summary>Reopening a year's accepted report.</summary>
public sealed class ReopenRequest : ReportRequest
{
    /// <summary>Why the year is reopened; kept in the audit log.</summary>
    public string? Comment { get; init; }

    public sealed class Validator : Validator<ReopenRequest>
    {
        public Validator() => RuleFor(r => r.Comment).MaximumCharacters(ReviewRules.CommentLength);
    }
}

/// <summary>The answer to reopening a year: it is unlocked; the accepted version still counts until another is accepted.</summary>
public sealed record ReopenResponse(string OrgUnit, int Year, bool Locked, int? CountedVersion, int CurrentVersion);

internal static class ReviewRules
{
    public const int CommentLength = 2000;

    public static void Apply<T>(Validator<T> validator, bool commentRequired) where T : VersionReviewRequest
    {
        validator.RuleFor(r => r.Comment).MaximumCharacters(CommentLength);
        if (commentRequired)
            validator.RuleFor(r => r.Comment).NotEmpty().WithMessage(_ => ProblemText.ReturnComment());
    }
}
