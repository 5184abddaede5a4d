using System.Globalization;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// Text lengths in characters as PostgreSQL's <c>char_length</c> counts them (code points), not in UTF-16 code units:
/// a name of 101 CJK Extension B characters (𠀀, each a surrogate pair) was refused as "202 characters" against 200.
/// </summary>
public static class CharacterLength
{
    public static int Of(string text) => text.EnumerateRunes().Count();

    /// <summary>At most <paramref name="max"/> code points; null passes (NotEmpty says whether it is required).</summary>
    public static IRuleBuilderOptions<T, string?> MaximumCharacters<T>(this IRuleBuilder<T, string?> rule, int max) =>
        rule.Must(text => text is null || text.Length <= max || Of(text) <= max)
            .WithMessage((_, text) => ProblemText.TextTooLong("{PropertyName}", max, Of(text ?? "")));
}
