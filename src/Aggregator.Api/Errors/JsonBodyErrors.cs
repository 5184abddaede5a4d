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
            // A member name is the client's text: echoed at most this long.
            var member = unmapped.Groups["member"].Value is { Length: > MaxEchoed } name ? name[..MaxEchoed] + "…" : unmapped.Groups["member"].Value;
            var field = Within(error.Path, member);
            return new ValidationFailure(field,
                $"'{field}' is not a member of this request: unknown members are refused rather than ignored. Check its spelling against the operation's schema.")
            {
                ErrorCode = UnknownMemberCode,
            };
        }
        // Otherwise as FastEndpoints does by default: the member at fault, or the body as a whole.
        var path = error.Path;
        return new ValidationFailure(path is null or "$" || path.StartsWith("$[", StringComparison.Ordinal) ? FieldErrors.SerializerErrorsField : path[2..],
            error.InnerException?.Message ?? error.Message);
    }

    /// <summary>The member's dotted path: <c>parent.member</c> inside a nested object, <c>member</c> at the top.</summary>
    private static string Within(string? path, string member)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal)) return member;
        var parent = path[2..];
        return parent == member || parent.EndsWith($".{member}", StringComparison.Ordinal) ? parent : $"{parent}.{member}";
    }

    [GeneratedRegex(@"^The JSON property '(?<member>.*)' could not be mapped to any \.NET member contained in type '", RegexOptions.Singleline)]
    private static partial Regex UnmappedMember();
}
