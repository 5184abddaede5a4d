using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aggregator.Data;

/// <summary>
/// Ready only when the direct connection answers, where one is configured (Aggregator:Database:DirectConnectionString,
/// past a transaction pooler): the listeners (LISTEN) and Hangfire's storage use it, so a process that cannot reach it
/// hears no key revocation or figure change and runs or queues no job, however well the pooled connections work.
/// Without a direct connection string it has nothing to check.
/// </summary>
public sealed class DirectDatabaseCheck(DatabaseEndpoint endpoint, [FromKeyedServices(DatabaseRegistration.Session)] NpgsqlDataSource direct)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (endpoint.DirectConnectionString is null)
            return HealthCheckResult.Healthy("No direct connection configured: everything uses ConnectionStrings:Aggregator.");
        try
        {
            await using var command = direct.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("Direct connection reachable (LISTEN, Hangfire).");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(
                "Direct connection (Aggregator:Database:DirectConnectionString) unreachable: no LISTEN, no jobs.", e);
        }
    }
}
