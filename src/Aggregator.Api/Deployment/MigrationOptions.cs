using Npgsql;

namespace Aggregator.Api.Deployment;

/// <summary>Aggregator:Database — read by <see cref="MigrateCommand"/> only.</summary>
public static class MigrationOptions
{
    /// <summary>
    /// The role the migrations grant to (their <c>$app_role$</c>). A name, not a secret: the migration Job
    /// needs no app password. Defaults to the user of ConnectionStrings:Aggregator when that is given.
    /// </summary>
    public const string AppRoleKey = "Aggregator:Database:AppRole";

    public static string? AppRoleFrom(IConfiguration configuration)
    {
        var configured = configuration[AppRoleKey];
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var app = configuration.GetConnectionString("Aggregator");
        return string.IsNullOrWhiteSpace(app) ? null : new NpgsqlConnectionStringBuilder(app).Username;
    }
}
