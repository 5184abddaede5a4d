using System.Text.Json;
using Aggregator.Api.Features.Shared;
using FluentValidation;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// Where a version came from when a lower level handed it up (逐级上报): the tenant that consolidated it (code and name),
/// the generation and time of its figures, how complete they were, and why they were handed up incomplete. Sent by the
/// hand-up job, stored with the version and shown on every read of it; null for a version a unit reported itself.
/// </summary>
public sealed record VersionSource(string Tenant, string Name, long Generation, DateTime? ComputedAt, SourceCompleteness Completeness, string? Reason)
{
    public const int MaxMissing = 10_000;
    public const int MaxReason = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static VersionSource? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<VersionSource>(json, Json);

    public sealed class Validator : AbstractValidator<VersionSource>
    {
        public Validator()
        {
            RuleFor(s => s.Tenant).NotEmpty().Matches(Codes.Pattern);
            RuleFor(s => s.Name).NotEmpty().MaximumCharacters(200);
            RuleFor(s => s.Generation).GreaterThanOrEqualTo(0);
            RuleFor(s => s.Reason).MaximumCharacters(MaxReason);
            RuleFor(s => s.Completeness).NotNull();
            RuleFor(s => s.Completeness.Expected).GreaterThanOrEqualTo(0).When(s => s.Completeness is not null);
            RuleFor(s => s.Completeness.Counted).GreaterThanOrEqualTo(0).When(s => s.Completeness is not null);
            RuleFor(s => s.Completeness.Missing).NotNull().Must(m => m.Count <= MaxMissing).When(s => s.Completeness is not null)
                .WithMessage($"source.completeness.missing 至多 {MaxMissing} 个代码。");
            RuleForEach(s => s.Completeness.Missing).NotEmpty().Matches(Codes.Pattern).When(s => s.Completeness?.Missing is not null);
        }
    }
}

/// <summary>Units expected below the source tenant's root, how many counted, and the codes of those that did not (missing or awaiting review).</summary>
public sealed record SourceCompleteness(int Expected, int Counted, IReadOnlyList<string> Missing);
