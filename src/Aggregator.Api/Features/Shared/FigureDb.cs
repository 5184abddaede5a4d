using Aggregator.Api.Auth;
using Aggregator.Api.Features.Rollups;
using Aggregator.Data;
using Aggregator.Data.Resilience;
using Dapper;

namespace Aggregator.Api.Features.Shared;

/// <summary>
/// Where a figure read (rollups, table, series, breakdown, comparisons, completeness, quality, the .csv/.xlsx downloads)
/// reads its figures from: a standby of Aggregator:Database:ReadReplicas when one holds exactly the figures the primary
/// holds now, the primary otherwise. The unit and the caller's scope are always checked on the primary.
/// </summary>
/// <remarks>
/// <para>
/// The rule: a standby answers a read only when, in the same REPEATABLE READ snapshot as the figures it then reads, its
/// generations of the read's years (rollup_state.figures_generation and the pending figure_changes: their number and
/// digest, as <see cref="Generations.FigureGenerations"/> keeps them) equal the generations the primary gave this same
/// request, read after the request arrived, in the round trip of the scope check. Otherwise (it lags, its replay is
/// paused, it is ahead, it fails) the next standby is asked, and then the primary.
/// </para>
/// <para>
/// Why that is never older than what the caller could see. Every commit that changes what figures are made of (a
/// version, a review move, the org tree, a deadline, the job's stored figures) writes a figure_changes row or a new
/// figures generation in its own transaction, so it moves the year's generations; and generations never come back for
/// other figures (pending changes only grow until a new figures generation consumes them). Whatever the caller could
/// have seen before this request — its own write acknowledged through this process or another replica, an answer of any
/// replica, read from the primary or from a standby — was committed on the primary before the request arrived, so the
/// primary's generations read during the request include it; a standby whose snapshot shows the same generations has
/// replayed it too. The in-memory generations are not enough on their own: this process may not have heard a change
/// yet that the caller made or saw through another replica (and after its own write it would otherwise have to wait
/// for the announcement); a change this process heard before the standby replayed it fails the check the same way.
/// The primary's read costs no round trip of its own: it goes out with the scope check, which the primary answers anyway.
/// </para>
/// <para>
/// What is read on a standby is read only: the read's work touches no table for writing (the answer cache is in memory).
/// A standby that fails is skipped and rests (<see cref="ReadReplica"/>); a request cancelled by its client is not the
/// standby's fault.
/// </para>
/// </remarks>
public sealed class FigureDb(TenantDb tenantDb, ReadReplicas replicas)
{
    /// <summary>Parameters @TenantId and @years (integer[]): the generations of those years, zeros where nothing is stored.</summary>
    private const string YearsSql = """
        SELECT k.year, coalesce(s.figures_generation, 0) AS figures, count(f.generation) AS pending,
               coalesce(bit_xor(hashint8extended(f.generation, 0)), 0) AS digest
        FROM unnest(@years::integer[]) AS k(year)
        LEFT JOIN rollup_state s ON s.tenant_id = @TenantId AND s.year = k.year
        LEFT JOIN figure_changes f ON f.tenant_id = @TenantId AND f.year = k.year
        GROUP BY k.year, s.figures_generation
        """;

    /// <summary>Parameter @TenantId: the generations of every year of the tenant (a series).</summary>
    private const string TenantSql = """
        SELECT k.year, coalesce(s.figures_generation, 0) AS figures, count(f.generation) AS pending,
               coalesce(bit_xor(hashint8extended(f.generation, 0)), 0) AS digest
        FROM (SELECT year FROM rollup_state WHERE tenant_id = @TenantId UNION SELECT year FROM figure_changes WHERE tenant_id = @TenantId) k
        LEFT JOIN rollup_state s ON s.tenant_id = @TenantId AND s.year = k.year
        LEFT JOIN figure_changes f ON f.tenant_id = @TenantId AND f.year = k.year
        GROUP BY k.year, s.figures_generation
        """;

    /// <summary>
    /// The generations as one text, computed alike on both sides: year:figures:pending:digest; in year order, years without
    /// anything stored left out (one side may list a year the other does not).
    /// </summary>
    private static string TokenOf(string generationsSql) => $"""
        (SELECT coalesce(string_agg(g.year || ':' || g.figures || ':' || g.pending || ':' || g.digest, ';' ORDER BY g.year), '')
         FROM ({generationsSql}) g WHERE (g.figures, g.pending, g.digest) <> (0, 0, 0))
        """;

    private static readonly string YearsCheckSql = CheckSql(YearsSql);
    private static readonly string TenantCheckSql = CheckSql(TenantSql);
    private static readonly string YearsTokenSql = $"SELECT {TokenOf(YearsSql)}";
    private static readonly string TenantTokenSql = $"SELECT {TokenOf(TenantSql)}";

    /// <summary>The unit as the caller may see it, and the primary's generations: one statement, one round trip.</summary>
    private static string CheckSql(string generationsSql) => $"""
        SELECT u.OrgUnitId, u.Code, u.Name, u.HasChildren, {TokenOf(generationsSql)} AS Generations
        FROM ({FigureScope.UnitSql}) u
        """;

    private sealed record Checked(long OrgUnitId, string Code, string Name, bool HasChildren, string Generations);

    /// <summary>
    /// Runs <paramref name="read"/> (reads only) in one snapshot of the figures of <paramref name="years"/> (null: every
    /// year of the tenant), with the unit <paramref name="orgCode"/> as the caller may see it (404 otherwise), and returns
    /// what it returns. It may run more than once (a standby that fails midway, then the primary): it must only read, and
    /// take what it holds from the request.
    /// </summary>
    public async Task<T> ReadAsync<T>(RequestAccess access, string orgCode, IReadOnlyCollection<int>? years,
        Func<DbSession, FigureScope.Unit, Task<T>> read, CancellationToken ct)
    {
        var (caller, tenantId) = access;
        using var standbys = replicas.Candidates().GetEnumerator();
        if (!standbys.MoveNext())
        {
            // No standby to ask: the scope and the figures from one snapshot of the primary, as without standbys.
            await using var db = await tenantDb.BeginSnapshotAsync(tenantId, ct);
            var answer = await read(db, await FigureScope.FindUnitAsync(db, caller, orgCode));
            await db.CommitAsync();
            if (replicas.All.Count > 0) replicas.ServedByPrimary();
            return answer;
        }

        var parameters = FigureScope.UnitParameters(caller, tenantId, orgCode);
        parameters.Add("years", years?.Distinct().ToArray());
        var check = await tenantDb.ReadOneAsync<Checked>(tenantId, years is null ? TenantCheckSql : YearsCheckSql, parameters, ct)
                    ?? throw FigureScope.UnitNotFound(orgCode);
        var unit = new FigureScope.Unit(check.OrgUnitId, check.Code, check.Name, check.HasChildren);

        do
        {
            var standby = standbys.Current;
            try
            {
                await using var db = await replicas.BeginSnapshotAsync(standby, tenantId, ct);
                if (await db.ExecuteScalarAsync<string>(years is null ? TenantTokenSql : YearsTokenSql, parameters) != check.Generations)
                {
                    replicas.Lagging(standby);
                    continue;
                }
                var answer = await read(db, unit);
                await db.CommitAsync();
                replicas.Served(standby);
                return answer;
            }
            catch (Exception error) when (ReadReplicas.IsReplicaFault(error, ct) || error is CommitOutcomeUnknownException)
            {
                replicas.Failed(standby, error);
            }
        } while (standbys.MoveNext());

        await using (var db = await tenantDb.BeginSnapshotAsync(tenantId, ct))
        {
            var answer = await read(db, unit);
            await db.CommitAsync();
            replicas.ServedByPrimary();
            return answer;
        }
    }
}
