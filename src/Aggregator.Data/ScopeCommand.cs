using System.Buffers;
using Dapper;

namespace Aggregator.Data;

/// <summary>
/// How a transaction writes the settings its row-level-security policies read (<c>app.tenant_id</c>, <c>app.scope</c>,
/// <c>app.key_hash</c>, <c>app.job_id</c>, <c>app.public_tenant</c>): both are transaction-local and go out with the
/// transaction's first statement, in the same round trip.
/// </summary>
public enum ScopeCommand
{
    /// <summary>
    /// <c>SELECT set_config(name, value, true)</c> with the values as parameters: one statement text for every tenant,
    /// which Npgsql prepares once per connection. The default, on a single PostgreSQL.
    /// </summary>
    SetConfig,

    /// <summary>
    /// <c>SET LOCAL name = 'value'</c>, one statement per setting, inside an explicit transaction: the form Citus carries
    /// to the workers' shard queries with <c>citus.propagate_set_commands = 'local'</c> (a function such as set_config
    /// is not propagated, and neither is a SET outside a transaction block). Values are never text from a request: a
    /// Guid, a hex hash, a fixed word, or a tenant code of the code alphabet. Each tenant's SET is a statement text of its
    /// own, so the service turns Npgsql's automatic preparation off under this setting unless the connection string
    /// sets <c>Max Auto Prepare</c> (see deploy/README.md, Citus).
    /// </summary>
    SetLocal,
}

/// <summary>Aggregator:Database:ScopeCommand (<see cref="ScopeCommand"/>).</summary>
public sealed class ScopeCommandOptions
{
    public const string Section = "Aggregator:Database";

    public ScopeCommand ScopeCommand { get; set; } = ScopeCommand.SetConfig;
}

/// <summary>The statement(s) that set a session's scope, sent in the same command as its first statement.</summary>
/// <param name="Sql">One or more statements.</param>
/// <param name="Parameters">Their parameters (set_config's), or none.</param>
/// <param name="ReturnsRows">Whether the statement answers a result set (set_config's SELECT) that the reader must skip.</param>
internal sealed record ScopeStatement(string Sql, DynamicParameters? Parameters, bool ReturnsRows)
{
    private const string SetConfigSql = "SELECT set_config(s.name, s.value, true) FROM unnest(@scopeNames, @scopeValues) AS s(name, value)";

    /// <summary>Letters, digits and <c>_ . : -</c>: every value the service sets (Guids, hex hashes, scope words, tenant codes).</summary>
    private static readonly SearchValues<char> LiteralSafe =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-");

    /// <summary>Whether <paramref name="value"/> can be written inside a SET's quotes as it is.</summary>
    public static bool IsLiteralSafe(string value) => !value.AsSpan().ContainsAnyExcept(LiteralSafe);

    public static ScopeStatement For(ScopeCommand command, IReadOnlyDictionary<string, string> settings)
    {
        if (command == ScopeCommand.SetConfig)
        {
            var parameters = new DynamicParameters();
            parameters.Add("scopeNames", settings.Keys.ToArray());
            parameters.Add("scopeValues", settings.Values.ToArray());
            return new ScopeStatement(SetConfigSql, parameters, ReturnsRows: true);
        }

        // SET takes no parameters: the value is a literal. Only the service's own names and values of the safe alphabet
        // get here (a tenant code from a URL is checked before, TenantDb.BeginPublicReadAsync), so no quote can end it.
        var statements = settings.Select(setting =>
        {
            if (!setting.Key.StartsWith("app.", StringComparison.Ordinal) || !IsLiteralSafe(setting.Key))
                throw new ArgumentException($"Not a scope setting: {setting.Key}", nameof(settings));
            if (!IsLiteralSafe(setting.Value))
                throw new ArgumentException($"The value of {setting.Key} is not of the literal-safe alphabet.", nameof(settings));
            return $"SET LOCAL {setting.Key} = '{setting.Value}'";
        });
        return new ScopeStatement(string.Join(";\n", statements), Parameters: null, ReturnsRows: false);
    }
}
