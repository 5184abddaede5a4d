using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// Applies db/migrations/*.sql (embedded in this assembly) with DbUp, one transaction per script, as the
/// owner role. The application role named in the scripts as $app_role$ gets only the grants they give it.
/// Runs under <see cref="SchemaChangeLock"/>, so replicas starting together migrate one after the other.
/// </summary>
public static class DatabaseMigrator
{
    private const string ResourcePrefix = "migrations.";

    public static IReadOnlyList<string> ScriptNames { get; } = typeof(DatabaseMigrator).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList();

    public static void Migrate(string ownerConnectionString, string appRole, ILogger logger)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(ownerConnectionString)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .WithVariable("app_role", QuoteIdentifier(appRole))
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build();

        DatabaseUpgradeResult result;
        using (SchemaChangeLock.Acquire(ownerConnectionString))
            result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    private sealed class DbUpLogger(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
