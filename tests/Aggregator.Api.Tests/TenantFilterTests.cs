using Aggregator.Api.Tests.Infrastructure;
using System.Text.RegularExpressions;

namespace Aggregator.Api.Tests;

/// <summary>
/// Row-level security is the wall that holds when code is wrong; the first wall is the code itself: every
/// statement over a tenant table binds the tenant on <em>each</em> tenant table it reads or writes. This reads the
/// SQL of the source (string literals, with the constants they interpolate filled in), finds every reference to a
/// tenant table (<c>FROM</c>, <c>JOIN</c>, <c>USING</c>, <c>UPDATE</c>, <c>INTO</c>, with its alias) and requires
/// each to be bound: <c>x.tenant_id = @tenantId</c> (unqualified when it is the only table of the statement or has
/// no alias), <c>x.tenant_id = y.tenant_id</c> with <c>y</c> bound, an <c>INSERT</c> whose values carry
/// <c>@tenantId</c>, or a CTE whose tenant tables are all bound. A statement that names <c>@tenantId</c> once but
/// joins a second tenant table on its id alone is listed. The few that cannot know the tenant yet are listed below
/// with the reason. (Reading SQL with patterns is approximate — aliases are not scoped to their sub-query — but it
/// errs towards listing, and a listed statement is read by a person.)
/// </summary>
public sealed partial class TenantFilterTests
{
    /// <summary>Every table of the schema but the tenant registry, whose platform statements know no tenant yet.</summary>
    private static readonly string[] TenantTables = RowLevelSecurityTests.Tables.Where(table => table != "tenants").ToArray();

    /// <summary>Words that may follow a table where an alias would: not aliases.</summary>
    private static readonly string[] Keywords =
    [
        "WHERE", "ON", "USING", "JOIN", "LEFT", "RIGHT", "INNER", "FULL", "CROSS", "GROUP", "ORDER", "LIMIT", "SET", "AS", "VALUES",
        "SELECT", "RETURNING", "FOR", "AND", "OR", "NATURAL", "LATERAL", "UNION", "EXCEPT", "HAVING", "WINDOW", "OFFSET", "DEFAULT",
        "OVERRIDING", "DO", "WITH",
    ];

    /// <summary>Statements that run before any tenant is known, each with why.</summary>
    private static readonly Dictionary<string, string> WithoutTenant = new(StringComparer.Ordinal)
    {
        // Authentication finds the key by its hash; the key-lookup policy shows only the lookup row with that hash.
        ["FROM api_key_hashes WHERE key_hash = @hash"] = "the tenant is what this lookup finds out",
        // /metrics: the oldest stale figures of any tenant, one aggregate through rollup_state's monitoring policy.
        ["FROM figure_changes WHERE kind <> 'deadline'"] = "the staleness gauge is across tenants by definition",
        // Each API replica's figure generations: numbers of every tenant-year, through the monitoring policies.
        ["FROM (SELECT tenant_id, year FROM rollup_state UNION SELECT tenant_id, year FROM figure_changes) k"] = "the generations in memory are every tenant's",
        // The platform admin following a job: the job-lookup policy shows only the handle with that id.
        ["FROM job_handles WHERE job_id = @jobId"] = "the tenant is what this lookup finds out",
        // Key-less public reads name the tenant by its code: publications joined to that code's tenant row, in a transaction
        // whose public-read policy (app.public_tenant) shows that tenant's registry row and editions only.
        ["FROM publications p JOIN tenants t ON t.tenant_id = p.tenant_id WHERE t.code = @tenant"] = "a public read knows the tenant by its code",
    };

    [Fact]
    public void Should_bind_the_tenant_on_every_tenant_table_a_statement_reads_or_writes()
    {
        var statements = SqlStatements().ToList();
        var overTenantTables = statements.Where(s => References(s.Sql).Count > 0).ToList();
        var offending = overTenantTables
            .Where(s => !WithoutTenant.Keys.Any(allowed => Normalise(s.Sql).Contains(allowed, StringComparison.Ordinal)))
            .Select(s => (s, Unbound: Unbound(s.Sql)))
            .Where(x => x.Unbound.Count > 0)
            .Select(x => $"{x.s.File}: {string.Join(", ", x.Unbound)} not bound in: {Normalise(x.s.Sql)}")
            .ToList();

        Assert.True(overTenantTables.Count > 80, $"the source's SQL was found ({overTenantTables.Count} statements over tenant tables)");
        Assert.True(overTenantTables.Sum(s => References(s.Sql).Count) > overTenantTables.Count, "joins were read as references of their own");
        Assert.True(offending.Count == 0, "Tenant tables read or written without binding the tenant:\n" + string.Join("\n\n", offending));
    }

    [Theory]
    [InlineData("SELECT code FROM org_units WHERE tenant_id = @tenantId AND code = @code")]
    [InlineData("SELECT v.value FROM report_values v JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id WHERE v.tenant_id = @tenantId")]
    [InlineData("INSERT INTO audit_log (tenant_id, action) VALUES (@tenantId, @action)")]
    [InlineData("WITH o AS (INSERT INTO org_units (tenant_id, code) VALUES (@tenantId, @code) RETURNING *) SELECT (SELECT p.code FROM org_units p WHERE p.tenant_id = o.tenant_id) FROM o")]
    public void Should_take_a_statement_that_binds_each_of_its_tenant_tables(string sql) => Assert.Empty(Unbound(sql));

    [Theory]
    [InlineData("SELECT code FROM org_units WHERE code = @code", "org_units")]
    [InlineData("SELECT v.value FROM report_values v JOIN org_units o ON o.org_unit_id = v.org_unit_id WHERE v.tenant_id = @tenantId", "o")]
    [InlineData("SELECT r.year FROM reports r WHERE r.tenant_id = @tenantId AND EXISTS (SELECT 1 FROM report_versions x WHERE x.org_unit_id = r.org_unit_id)", "x")]
    [InlineData("UPDATE reports r SET current_version = 2 WHERE r.org_unit_id = @id AND @tenantId IS NOT NULL", "r")]
    public void Should_list_a_tenant_table_joined_or_filtered_without_the_tenant(string sql, string unbound) =>
        Assert.Equal(new[] { unbound }, Unbound(sql));

    private sealed record Reference(string Keyword, string Table, string Name);

    /// <summary>Every reference to a tenant table, named by its alias (or the table's name without one).</summary>
    private static List<Reference> References(string sql) => TableReference.Matches(sql)
        .Select(m => new Reference(m.Groups["keyword"].Value.ToUpperInvariant(), m.Groups["table"].Value,
            m.Groups["alias"].Success ? m.Groups["alias"].Value : m.Groups["table"].Value))
        .ToList();

    /// <summary>The names (aliases) of the tenant-table references that nothing binds to the tenant.</summary>
    private static List<string> Unbound(string sql)
    {
        var references = References(sql);
        var bound = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in BoundToParameter().Matches(sql))
        {
            var qualifier = m.Groups["left"].Success ? m.Groups["left"].Value : m.Groups["right"].Success ? m.Groups["right"].Value : null;
            if (qualifier is not null) bound.Add(qualifier);
            // Unqualified: the statement's only table, or those without an alias.
            else foreach (var reference in references.Where(r => references.Count == 1 || r.Name == r.Table)) bound.Add(reference.Name);
        }
        // An INSERT's tenant_id comes from its values (a statement batched with others prefixes its names: @auditTenantId).
        if (TenantParameter().IsMatch(sql))
            foreach (var reference in references.Where(r => r.Keyword == "INTO")) bound.Add(reference.Name);

        var equalities = SameTenant().Matches(sql).Select(m => (m.Groups["a"].Value, m.Groups["b"].Value)).ToList();
        var ctes = CommonTableExpressions(sql);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (a, b) in equalities)
            {
                if (bound.Contains(a) && bound.Add(b)) changed = true;
                if (bound.Contains(b) && bound.Add(a)) changed = true;
            }
            foreach (var (name, inner) in ctes)
                if (!bound.Contains(name) && inner.All(bound.Contains) && bound.Add(name)) changed = true;
        }
        return references.Select(r => r.Name).Where(name => !bound.Contains(name)).Distinct().ToList();
    }

    /// <summary><c>name AS (…)</c> with the names of the tenant tables inside, for those whose rows are the tenant's.</summary>
    private static List<(string Name, List<string> Inner)> CommonTableExpressions(string sql)
    {
        var found = new List<(string, List<string>)>();
        foreach (Match m in CteStart().Matches(sql))
        {
            var open = m.Index + m.Length - 1;
            var (depth, close) = (0, sql.Length);
            for (var i = open; i < sql.Length; i++)
            {
                depth += sql[i] == '(' ? 1 : sql[i] == ')' ? -1 : 0;
                if (depth == 0) { close = i; break; }
            }
            var inner = References(sql[open..close]).Select(r => r.Name).ToList();
            if (inner.Count > 0) found.Add((m.Groups["name"].Value, inner));
        }
        return found;
    }

    /// <summary>A tenant table after FROM, JOIN, INTO, UPDATE or USING, and its alias unless the next word is SQL's own.</summary>
    private static readonly Regex TableReference = new(
        $@"\b(?<keyword>FROM|JOIN|INTO|UPDATE|USING)\s+(?<table>{string.Join('|', TenantTables)})\b(?:\s+(?:AS\s+)?(?!(?:{string.Join('|', Keywords)})\b)(?<alias>\w+))?",
        RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private static string Normalise(string sql) => Whitespace().Replace(sql, " ").Trim();

    private sealed record Statement(string File, string Sql);

    /// <summary>Every string literal of src/ that reads as SQL, with interpolated constants (<c>{OrgScope.SqlFilter}</c>) filled in.</summary>
    private static IEnumerable<Statement> SqlStatements()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);

        // By "Type.Name" (two types may both have a Columns), by file and name (unqualified use), and by name alone.
        var qualified = new Dictionary<string, string>(StringComparer.Ordinal);
        var inFile = new Dictionary<(string File, string Name), string>();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, text) in files)
            foreach (Match m in Constant().Matches(text))
            {
                var value = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["plain"].Value;
                var type = TypeDeclaration().Matches(text[..m.Index]).LastOrDefault()?.Groups["type"].Value;
                qualified[$"{type}.{m.Groups["name"].Value}"] = value;
                inFile[(file, m.Groups["name"].Value)] = value;
                byName[m.Groups["name"].Value] = value;
            }

        foreach (var (file, text) in files)
        {
            foreach (Match m in Literal().Matches(text))
            {
                var sql = m.Groups["raw"].Success ? m.Groups["raw"].Value : m.Groups["plain"].Value;
                if (!SqlStart().IsMatch(sql)) continue;
                for (var depth = 0; depth < 3; depth++)
                    sql = Interpolation().Replace(sql, i => (i.Groups["type"].Success
                            ? qualified.GetValueOrDefault($"{i.Groups["type"].Value}.{i.Groups["name"].Value}")
                            : inFile.GetValueOrDefault((file, i.Groups["name"].Value)))
                        ?? byName.GetValueOrDefault(i.Groups["name"].Value, i.Value));
                yield return new Statement(Path.GetRelativePath(RepositoryPaths.Root, file), sql);
            }
        }
    }

    [GeneratedRegex(@"const string (?<name>\w+)\s*=\s*\$*(?:""""""(?<raw>.*?)""""""|""(?<plain>(?:[^""\\]|\\.)*)"")", RegexOptions.Singleline)]
    private static partial Regex Constant();

    [GeneratedRegex(@"\$*(?:""""""(?<raw>.*?)""""""|""(?<plain>(?:[^""\\\n]|\\.)*)"")", RegexOptions.Singleline)]
    private static partial Regex Literal();

    [GeneratedRegex(@"\{(?:(?<type>\w+)\.)?(?<name>\w+)\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"\b(?:class|record|struct|interface)\s+(?<type>\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqlStart();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?:(?<left>\w+)\.)?\btenant_id\s*=\s*@\w*tenantId\b|@\w*tenantId\s*=\s*(?:(?<right>\w+)\.)?\btenant_id\b", RegexOptions.IgnoreCase)]
    private static partial Regex BoundToParameter();

    [GeneratedRegex(@"@\w*tenantId\b", RegexOptions.IgnoreCase)]
    private static partial Regex TenantParameter();

    [GeneratedRegex(@"\b(?<a>\w+)\.tenant_id\s*=\s*(?<b>\w+)\.tenant_id\b", RegexOptions.IgnoreCase)]
    private static partial Regex SameTenant();

    [GeneratedRegex(@"\b(?<name>\w+)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(", RegexOptions.IgnoreCase)]
    private static partial Regex CteStart();
}
