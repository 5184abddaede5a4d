using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation.Results;

namespace Aggregator.Api.Errors;

/// <summary>
/// A JSON body the serializer refused, as one field error of the 400 (<see cref="FieldErrors"/>). A member the request does
/// not have is refused (the serializer's <c>UnmappedMemberHandling.Disallow</c>, set in ApiRegistration) rather than
/// ignored: <c>{"notes": "…"}</c> or <c>{"value": …}</c> silently dropped would store something else than was meant.
/// </summary>
public static partial class JsonBodyErrors
{
    /// <summary>Marks a failure whose field name is the member as the client spelled it (not a request property to camel-case).</summary>
    public const string UnknownMemberCode = "unknown-member";

    private const int MaxEchoed = 100;

    public static ValidationFailure Failure(JsonException error)
    {
        // System.Text.Json names the member only in its message (and the .NET type, which is no business of a client's).
        if (UnmappedMember().Match(error.Message) is { Success: true } unmapped)
        {
            var member = unmapped.Groups["member"].Value;
            var field = Within(error.Path, member) is { Length: > 0 } parent ? $"{parent}.{Echo(member)}" : Echo(member);
            return new ValidationFailure(field, Texts.ProblemText.UnknownMember(field))
            {
                ErrorCode = UnknownMemberCode,
            };
        }
        // Otherwise as FastEndpoints does by default: the member at fault, or the body as a whole.
        var path = error.Path;
        return new ValidationFailure(path is null or "$" || path.StartsWith("$[", StringComparison.Ordinal) ? FieldErrors.SerializerErrorsField : path[2..],
            Texts.ProblemText.ValueUnreadable());
    }

    /// <summary>
    /// A member name is the client's text: echoed at most <see cref="MaxEchoed"/> characters long, a control character or a
    /// lone surrogate (which no JSON writer can write) as U+FFFD.
    /// </summary>
    private static string Echo(string name)
    {
        var runes = name.EnumerateRunes().Take(MaxEchoed + 1).ToList();
        var echoed = string.Concat(runes.Take(MaxEchoed).Select(rune => Rune.IsControl(rune) ? "\uFFFD" : rune.ToString()));
        return runes.Count > MaxEchoed ? echoed + "…" : echoed;
    }

    /// <summary>
    /// The path of the object holding the member (<c>parent</c> of <c>parent.member</c>), empty at the top. The serializer's
    /// path ends with the member itself (<c>$.parent.member</c> or <c>$.parent['odd member']</c>): that part is the client's
    /// text, the rest is made of members the request knows.
    /// </summary>
    private static string Within(string? path, string member)
    {
        if (path is null || !path.StartsWith('$')) return "";
        foreach (var last in new[] { $".{member}", $"['{member}']" })
            if (path.EndsWith(last, StringComparison.Ordinal)) path = path[..^last.Length];
        return path.Length <= 1 ? "" : path.TrimStart('$').TrimStart('.');
    }

    [GeneratedRegex(@"^The JSON property '(?<member>.*)' could not be mapped to any \.NET member contained in type '", RegexOptions.Singleline)]
    private static partial Regex UnmappedMember();
}
