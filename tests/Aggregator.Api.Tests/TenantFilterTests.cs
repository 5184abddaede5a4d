using Aggregator.Api.Tests.Infrastructure;
using System.Text.RegularExpressions;

namespace Aggregator.Api.Tests;

/// <summary>
/// Row-level security is the wall that holds when code is wrong; the first wall is the code itself: every
/// statement over a tenant table binds the tenant (<c>tenant_id = @tenantId</c>). This reads the SQL of the
/// source (string literals, with the constants they interpolate filled in) and lists the statements that touch
/// a tenant table without binding <c>@tenantId</c>. The few that cannot know the tenant yet are listed below
/// with the reason.
/// </summary>
public sealed partial class TenantFilterTests
{
    /// <summary>Every table of the schema but the tenant registry, whose platform statements know no tenant yet.</summary>
    private static readonly string[] TenantTables = RowLevelSecurityTests.Tables.Where(table => table != "tenants").ToArray();

    /// <summary>Statements that run before any tenant is known, each with why.</summary>
    private static readonly Dictionary<string, string> WithoutTenant = new(StringComparer.Ordinal)
    {
        // Authentication finds the key by its hash; the key-lookup policy shows only the row with that hash.
        ["FROM api_keys WHERE key_hash = @hash"] = "the tenant is what this lookup finds out",
        // /metrics: the oldest stale figures of any tenant, one aggregate through rollup_state's monitoring policy.
        ["FROM rollup_state WHERE dirty_since IS NOT NULL"] = "the staleness gauge is across tenants by definition",
        // The platform admin following a job: the job-lookup policy shows only the handle with that id.
        ["FROM job_handles WHERE job_id = @jobId"] = "the tenant is what this lookup finds out",
    };

    [Fact]
    public void Should_name_the_tenant_in_every_statement_over_a_tenant_table()
    {
        var statements = SqlStatements().ToList();
        var offending = statements
            .Where(s => TouchesTenantTable(s.Sql) && !s.Sql.Contains("@tenantId", StringComparison.OrdinalIgnoreCase)
                        && !WithoutTenant.Keys.Any(allowed => Normalise(s.Sql).Contains(allowed, StringComparison.Ordinal)))
            .Select(s => $"{s.File}: {Normalise(s.Sql)}")
            .ToList();

        Assert.True(statements.Count > 40, $"the source's SQL was found ({statements.Count} statements)");
        Assert.True(offending.Count == 0, "Statements that do not bind @tenantId:\n" + string.Join("\n", offending));
    }

    private static bool TouchesTenantTable(string sql) =>
        TenantTables.Any(table => Regex.IsMatch(sql, $@"\b(FROM|JOIN|INTO|UPDATE)\s+{table}\b", RegexOptions.IgnoreCase));

    private static string Normalise(string sql) => Whitespace().Replace(sql, " ").Trim();

    private sealed record Statement(string File, string Sql);

    /// <summary>Every string literal of src/ that reads as SQL, with interpolated constants (<c>{OrgScope.SqlFilter}</c>) filled in.</summary>
    private static IEnumerable<Statement> SqlStatements()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);

        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in files.Values)
            foreach (Match m in Constant().Matches(text))
                constants[m.Groups["name"].Value] = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["plain"].Value;

        foreach (var (file, text) in files)
        {
            foreach (Match m in Literal().Matches(text))
            {
                var sql = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["plain"].Value;
                if (!SqlStart().IsMatch(sql)) continue;
                for (var depth = 0; depth < 3; depth++)
                    sql = Interpolation().Replace(sql, i => constants.GetValueOrDefault(i.Groups["name"].Value, i.Value));
                yield return new Statement(Path.GetRelativePath(RepositoryPaths.Root, file), sql);
            }
        }
    }

    [GeneratedRegex(@"const string (?<name>\w+)\s*=\s*\$*(?:""""""(?<raw>.*?)""""""|""(?<plain>(?:[^""\\]|\\.)*)"")", RegexOptions.Singleline)]
    private static partial Regex Constant();

    [GeneratedRegex(@"\$*(?:""""""(?<raw>.*?)""""""|""(?<plain>(?:[^""\\\n]|\\.)*)"")", RegexOptions.Singleline)]
    private static partial Regex Literal();

    [GeneratedRegex(@"\{(?:\w+\.)?(?<name>\w+)\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqlStart();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
