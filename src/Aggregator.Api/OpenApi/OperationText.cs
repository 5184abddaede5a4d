using System.Text.RegularExpressions;
using Aggregator.Api.Auth;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// The texts of an operation. An endpoint's <c>Summary(...)</c> is often several sentences; the operation's
/// summary is the first of them, and its description the whole text followed by who may call it (read from the
/// endpoint's <see cref="EndpointAccess"/>), so that every operation, a new one included, has both without a
/// second text to keep in step.
/// </summary>
public static partial class OperationText
{
    /// <summary>The first sentence of <paramref name="text"/> (all of it when it is one sentence).</summary>
    public static string? FirstSentence(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return text;
        var match = SentenceEnd().Match(text);
        return match.Success ? text[..(match.Index + 1)] : text;
    }

    /// <summary>The endpoint's description (else its summary, else its operation's name), then who may call it.</summary>
    public static string Describe(string? summary, string? description, EndpointAccess? access, bool anonymous)
    {
        var text = !string.IsNullOrWhiteSpace(description) ? description.Trim()
            : !string.IsNullOrWhiteSpace(summary) ? summary.Trim()
            : "";
        var who = anonymous ? "No key needed."
            : access is null || access.Roles.Count == 0 ? "Only the platform admin's key may call it."
            : access.OpenToEveryRole ? "Any valid key may call it."
            : $"Who may call it: a key with the role {string.Join(" or ", access.Roles)}" +
              (access.PlatformAdmin ? " (or the platform admin's key)." : "; not the platform admin's key.");
        return text.Length == 0 ? who : $"{text}\n\n{who}";
    }

    // A full stop followed by white space, outside of parentheses' usual short forms (e.g., i.e.).
    [GeneratedRegex(@"(?<!\be\.g|\bi\.e)[.。](?=\s)")]
    private static partial Regex SentenceEnd();
}
