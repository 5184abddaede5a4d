using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aggregator.Data;

/// <summary>
/// Ready when the database answers and every migration this build carries is applied: the API's and the
/// worker's /health/ready.
/// </summary>
public sealed class DatabaseReadyCheck(MigrationStatus migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var pending = await migrations.PendingAsync(ct);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable; all migrations applied.")
                : HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}.");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", e);
        }
    }
}
