namespace Aggregator.Domain.Templates;

/// <summary>
/// One file of <c>db/templates</c>, for callers that hold the files elsewhere (embedded resources).
/// Mapping files are named <c>{from}__{to}.json</c>.
/// </summary>
public sealed record TemplateSource(string FileName, Func<Stream> Open)
{
    public bool IsMapping => Path.GetFileNameWithoutExtension(FileName).Contains("__", StringComparison.Ordinal);
}
