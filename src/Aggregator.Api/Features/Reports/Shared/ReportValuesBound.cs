using System.Globalization;
using System.Text.Json;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>
/// How many entries a report's <c>values</c> may have. The largest template has a few hundred indicators; a body
/// of 60,000 unknown codes fits in 1 MiB and, answered one finding per code, made a 30 MB answer.
/// </summary>
public static class ReportValuesBound
{
    public const int MaxEntries = 2_000;

    /// <summary>400 naming <c>values</c> when it is an object of more than <see cref="MaxEntries"/> entries.</summary>
    public static IRuleBuilderOptions<T, JsonElement> WithinEntryBound<T>(this IRuleBuilder<T, JsonElement> rule) =>
        rule.Must(values => values.ValueKind != JsonValueKind.Object || !values.EnumerateObject().Skip(MaxEntries).Any())
            .WithMessage(_ => ProblemText.ValuesTooMany(MaxEntries.ToString("N0", CultureInfo.InvariantCulture)));
}
