using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Data;

/// <summary>The database's readiness checks, the same in the API and the worker.</summary>
public static class DatabaseHealthChecks
{
    /// <summary>
    /// <c>database</c> (<see cref="DatabaseReadyCheck"/>: reachable, every migration applied) and <c>database-direct</c>
    /// (<see cref="DirectDatabaseCheck"/>: the direct connection past a transaction pooler), both tagged <paramref name="tag"/>.
    /// </summary>
    public static IHealthChecksBuilder AddDatabaseChecks(this IHealthChecksBuilder checks, string tag) =>
        checks.AddCheck<DatabaseReadyCheck>("database", tags: [tag])
            .AddCheck<DirectDatabaseCheck>("database-direct", tags: [tag]);
}
