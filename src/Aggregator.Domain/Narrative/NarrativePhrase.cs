namespace Aggregator.Domain.Narrative;

/// <summary>
/// How a report's prose states one figure of its table: the indicator the number is about and, for a share, the
/// indicator it is a share of (<see cref="Of"/>: "其中通过互联网提交申请2件，占总数的67%" is 3.1.3 of 3.1). Declared in
/// the template's <c>narrative</c> list, compiled when the template is loaded.
/// </summary>
public sealed record NarrativePhrase(string Indicator, string? Of, string Pattern, NarrativePattern.Compiled Compiled);
