using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Aggregator.Api.Tests.Deployment;

/// <summary>
/// deploy/citus/distribute.sql as the catalog test reads it: which tables it makes reference tables, which it distributes
/// (by which column, co-located with which table), and which it names as staying local, in the script's order.
/// Names are <c>table</c> (schema public), <c>schema.table</c>, or, for local tables only, <c>schema.*</c>.
/// </summary>
public sealed partial record DistributionScript(
    IReadOnlyList<string> Reference,
    IReadOnlyList<DistributedTable> Distributed,
    IReadOnlyList<string> Local)
{
    public static DistributionScript Read() => Parse(File.ReadAllText(DeploymentFiles.Path("citus", "distribute.sql")));

    public static DistributionScript Parse(string sql)
    {
        var reference = new List<string>();
        var distributed = new List<DistributedTable>();
        var local = new List<string>();
        foreach (var raw in sql.Split('\n'))
        {
            var line = raw.Trim();
            if (LocalLine().Match(line) is { Success: true } l)
            {
                local.Add(l.Groups["name"].Value);
                continue;
            }
            if (line.StartsWith("--", StringComparison.Ordinal)) continue;
            foreach (Match r in ReferenceCall().Matches(line)) reference.Add(r.Groups["name"].Value);
            foreach (Match d in DistributedCall().Matches(line))
                distributed.Add(new DistributedTable(d.Groups["name"].Value, d.Groups["column"].Value,
                    d.Groups["colocate"].Success ? d.Groups["colocate"].Value : null, reference.Count, distributed.Count));
        }
        return new DistributionScript(reference, distributed, local);
    }

    [GeneratedRegex(@"^--\s*local:\s*(?<name>\S+)")]
    private static partial Regex LocalLine();

    [GeneratedRegex(@"create_reference_table\(\s*'(?<name>[^']+)'\s*\)")]
    private static partial Regex ReferenceCall();

    [GeneratedRegex(@"create_distributed_table\(\s*'(?<name>[^']+)'\s*,\s*'(?<column>[^']+)'\s*(?:,\s*colocate_with\s*=>\s*'(?<colocate>[^']+)'\s*)?\)")]
    private static partial Regex DistributedCall();
}

/// <param name="ReferenceTablesBefore">How many reference tables the script made before this one.</param>
/// <param name="Position">Its place among the distributed tables.</param>
public sealed record DistributedTable(string Name, string Column, string? ColocateWith, int ReferenceTablesBefore, int Position);

/// <summary>What the check needs of a database's catalog: its tables, unique keys and foreign keys.</summary>
public sealed record CitusCatalog(IReadOnlyList<CatalogTable> Tables, IReadOnlyList<CatalogKey> Keys, IReadOnlyList<CatalogForeignKey> ForeignKeys)
{
    /// <summary>Tables are named as the script names them: bare in public, schema-qualified elsewhere.</summary>
    private const string NameOf = "CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END";

    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

    private const string TablesSql = $"""
        SELECT {NameOf} AS Name,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS HasTenantId
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {UserSchemas}
        """;

    // Every unique index (primary keys, UNIQUE constraints, CREATE UNIQUE INDEX, partial ones included) and the index of
    // every exclusion constraint: Citus requires the distribution column in each. Key columns only (INCLUDE columns do not
    // make a key unique); an expression is listed as such.
    private const string KeysSql = $"""
        SELECT {NameOf} AS "Table", ic.relname AS Name,
               CASE WHEN i.indisprimary THEN 'primary key' WHEN i.indisunique THEN 'unique index' ELSE 'exclusion constraint' END AS Kind,
               ARRAY(SELECT coalesce(a.attname::text, '(expression)')
                     FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                     WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS Columns,
               pg_get_expr(i.indpred, i.indrelid) AS Predicate
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE (i.indisunique OR EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid AND x.contype = 'x'))
          AND c.relkind IN ('r', 'p') AND {UserSchemas}
        """;

    private const string ForeignKeysSql = $"""
        SELECT {NameOf} AS "Table", con.conname AS Name,
               (SELECT CASE WHEN rn.nspname = 'public' THEN rc.relname::text ELSE rn.nspname || '.' || rc.relname END
                FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = con.confrelid) AS Referenced,
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS Columns,
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ReferencedColumns
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype = 'f' AND {UserSchemas}
        """;

    /// <summary>Reads the catalog through <paramref name="connection"/> (inside its transaction, if it has one).</summary>
    public static async Task<CitusCatalog> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction = null) => new(
        (await connection.QueryAsync<CatalogTable>(TablesSql, transaction: transaction)).ToList(),
        (await connection.QueryAsync<KeyRow>(KeysSql, transaction: transaction))
            .Select(k => new CatalogKey(k.Table, k.Name, k.Kind, k.Columns, k.Predicate)).ToList(),
        (await connection.QueryAsync<ForeignKeyRow>(ForeignKeysSql, transaction: transaction))
            .Select(f => new CatalogForeignKey(f.Table, f.Name, f.Referenced, f.Columns, f.ReferencedColumns)).ToList());

    // Dapper maps text[] to a string[] property, not to a constructor's string[] parameter (it sees a System.Array).
    private sealed class KeyRow
    {
        public string Table { get; init; } = "";
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public string[] Columns { get; init; } = [];
        public string? Predicate { get; init; }
    }

    private sealed class ForeignKeyRow
    {
        public string Table { get; init; } = "";
        public string Name { get; init; } = "";
        public string Referenced { get; init; } = "";
        public string[] Columns { get; init; } = [];
        public string[] ReferencedColumns { get; init; } = [];
    }
}

public sealed record CatalogTable(string Name, bool HasTenantId);

public sealed record CatalogKey(string Table, string Name, string Kind, string[] Columns, string? Predicate);

public sealed record CatalogForeignKey(string Table, string Name, string Referenced, string[] Columns, string[] ReferencedColumns);

/// <summary>
/// The rules Citus sets, checked against a catalog: what the script names is what the schema holds, and a table distributed
/// by tenant_id keeps tenant_id in each of its unique keys and in each foreign key to another distributed table.
/// </summary>
public static class CitusSchemaCheck
{
    public const string DistributionColumn = "tenant_id";

    /// <summary>Every breach, one line each; none when the schema can be distributed as the script says.</summary>
    public static IReadOnlyList<string> Breaches(DistributionScript script, CitusCatalog catalog)
    {
        var breaches = new List<string>();
        var tables = catalog.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var reference = script.Reference.ToHashSet(StringComparer.Ordinal);
        var distributed = script.Distributed.ToDictionary(d => d.Name, StringComparer.Ordinal);

        // Each name once, and each a table (a schema wildcard: a schema with tables).
        var named = script.Reference.Select(n => (Name: n, Kind: "reference"))
            .Concat(script.Distributed.Select(d => (d.Name, Kind: "distributed")))
            .Concat(script.Local.Select(n => (Name: n, Kind: "local")))
            .ToList();
        foreach (var twice in named.GroupBy(n => n.Name).Where(g => g.Count() > 1))
            breaches.Add($"{twice.Key}: named more than once in distribute.sql ({string.Join(", ", twice.Select(n => n.Kind))})");
        foreach (var (name, kind) in named)
        {
            if (name.EndsWith(".*", StringComparison.Ordinal))
            {
                if (kind != "local") breaches.Add($"{name}: a schema wildcard names local tables only");
                else if (!tables.Keys.Any(t => InSchema(t, name))) breaches.Add($"{name}: named in distribute.sql, but that schema has no table");
            }
            else if (!tables.ContainsKey(name))
                breaches.Add($"{name}: named in distribute.sql ({kind}), but not a table of the schema");
        }

        // Each table of the schema named.
        foreach (var table in catalog.Tables)
        {
            var isNamed = reference.Contains(table.Name) || distributed.ContainsKey(table.Name)
                          || script.Local.Any(l => l == table.Name || (l.EndsWith(".*", StringComparison.Ordinal) && InSchema(table.Name, l)));
            if (!isNamed) breaches.Add($"{table.Name}: a table of the schema that distribute.sql does not name (reference, distributed or local)");
        }

        // Distributed tables: by tenant_id, co-located with the first, after the reference tables.
        var first = script.Distributed.FirstOrDefault();
        foreach (var table in script.Distributed)
        {
            if (table.Column != DistributionColumn)
                breaches.Add($"{table.Name}: distributed by {table.Column}, not {DistributionColumn}");
            if (tables.TryGetValue(table.Name, out var found) && !found.HasTenantId)
                breaches.Add($"{table.Name}: distributed, but has no {DistributionColumn} column");
            if (table != first && table.ColocateWith != first!.Name)
                breaches.Add($"{table.Name}: not co-located with {first.Name} (colocate_with => '{first.Name}')");
            if (table.ReferenceTablesBefore < script.Reference.Count)
                breaches.Add($"{table.Name}: distributed before every reference table was made (foreign keys to them need them first)");
        }

        foreach (var key in catalog.Keys.Where(k => distributed.ContainsKey(k.Table)))
            if (!key.Columns.Contains(DistributionColumn))
                breaches.Add($"{key.Table}: {key.Kind} {key.Name} ({string.Join(", ", key.Columns)})"
                             + (key.Predicate is null ? "" : $" WHERE {key.Predicate}") + $" lacks {DistributionColumn}");

        foreach (var fk in catalog.ForeignKeys)
        {
            var from = KindOf(fk.Table, reference, distributed);
            var to = KindOf(fk.Referenced, reference, distributed);
            var what = $"{fk.Table}: foreign key {fk.Name} ({string.Join(", ", fk.Columns)}) → {fk.Referenced} ({string.Join(", ", fk.ReferencedColumns)})";
            switch (from, to)
            {
                case ("distributed", "distributed"):
                    var paired = fk.Columns.Zip(fk.ReferencedColumns).Any(p => p.First == DistributionColumn && p.Second == DistributionColumn);
                    if (!paired) breaches.Add($"{what} does not join {DistributionColumn} to {DistributionColumn}");
                    if (fk.Table != fk.Referenced && distributed[fk.Referenced].Position > distributed[fk.Table].Position)
                        breaches.Add($"{what}: {fk.Referenced} is distributed after {fk.Table}");
                    break;
                case ("reference", "distributed"):
                    breaches.Add($"{what}: a reference table cannot refer to a distributed one");
                    break;
                case ("reference", "reference") when fk.Table != fk.Referenced
                    && script.Reference.ToList().IndexOf(fk.Referenced) > script.Reference.ToList().IndexOf(fk.Table):
                    breaches.Add($"{what}: {fk.Referenced} is made a reference table after {fk.Table}");
                    break;
                case ("local", "reference" or "distributed"):
                case ("reference" or "distributed", "local"):
                    breaches.Add($"{what}: a foreign key between a local table and a Citus table");
                    break;
            }
        }
        return breaches;
    }

    private static string KindOf(string table, HashSet<string> reference, Dictionary<string, DistributedTable> distributed) =>
        reference.Contains(table) ? "reference" : distributed.ContainsKey(table) ? "distributed" : "local";

    private static bool InSchema(string table, string wildcard) =>
        table.StartsWith(wildcard[..^1], StringComparison.Ordinal);
}
