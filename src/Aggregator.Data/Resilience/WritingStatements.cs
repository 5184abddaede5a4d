using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Aggregator.Data.Resilience;

/// <summary>
/// Whether a statement may change stored data, read off its text: a transaction of only reads that commits
/// leaves nothing a repeat could double, so it does not count in the <see cref="CommitJournal"/>. Errs on the
/// side of writing (a <c>SELECT … FOR UPDATE</c> counts). The statements are the application's constants, so
/// each text is classified once.
/// </summary>
internal static partial class WritingStatements
{
    private static readonly ConcurrentDictionary<string, bool> Known = new(StringComparer.Ordinal);

    public static bool MayWrite(string sql) => Known.GetOrAdd(sql, static text => Writing().IsMatch(text));

    [GeneratedRegex(@"\b(insert|update|delete|merge|truncate|copy|notify|pg_notify|nextval|setval)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Writing();
}
