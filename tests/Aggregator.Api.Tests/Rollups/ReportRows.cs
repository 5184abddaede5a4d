using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// Stores report versions the way the report POST will (which lives on another branch): a version row,
/// the current pointer and the value rows in one tenant transaction, with every registered
/// IFiguresObserver told inside the transaction and after the commit.
/// </summary>
public sealed class ReportRows(ApiFixture api)
{
    public sealed record Unit(long Id, string Code, long? ParentId, string Path, bool Reports);

    public IReadOnlyList<IFiguresObserver> Observers => api.Factory.Services.GetServices<IFiguresObserver>().ToList();

    public Task<Guid> TenantIdAsync(string tenantCode) => new TestData(api).TenantIdAsync(tenantCode);

    public async Task<Unit> UnitAsync(Guid tenantId, string code)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var unit = await db.QuerySingleAsync<Unit>(
            "SELECT org_unit_id AS Id, code AS Code, parent_id AS ParentId, path::text AS Path, reports AS Reports FROM org_units WHERE code = @code",
            new { code });
        await db.CommitAsync();
        return unit;
    }

    /// <summary>Adds a unit straight into org_units (faster than the API when a test needs hundreds).</summary>
    public async Task<Unit> AddUnitAsync(Guid tenantId, Unit parent, bool reports = false)
    {
        const string sql = """
            WITH new AS (SELECT nextval(pg_get_serial_sequence('org_units', 'org_unit_id')) AS id)
            INSERT INTO org_units (tenant_id, org_unit_id, code, name, kind, parent_id, path, reports)
            SELECT @tenantId, new.id, 'r' || new.id, '单位' || new.id, 'other', @parentId, @parentPath::ltree || new.id::text, @reports
            FROM new
            RETURNING org_unit_id AS Id, code AS Code, parent_id AS ParentId, path::text AS Path, reports AS Reports
            """;
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var unit = await db.QuerySingleAsync<Unit>(sql, new { tenantId, parentId = parent.Id, parentPath = parent.Path, reports });
        await db.CommitAsync();
        return unit;
    }

    /// <summary>
    /// Stores a new current version of a unit's report for the year and tells the observers, as the POST
    /// does; with <paramref name="notify"/> false, a write the rollup trigger never heard of.
    /// </summary>
    public async Task StoreAsync(Guid tenantId, long orgUnitId, int year, string template, IReadOnlyDictionary<string, decimal?> values,
        bool notify = true)
    {
        const string upsertReport = """
            INSERT INTO reports AS r (tenant_id, org_unit_id, year, template, current_version, content_hash, counted_version, counted_template)
            VALUES (@tenantId, @orgUnitId, @year, @template, 1, @hash, 1, @template)
            ON CONFLICT (tenant_id, org_unit_id, year) DO UPDATE
               SET current_version = r.current_version + 1, template = excluded.template,
                   content_hash = excluded.content_hash, updated_at = now(),
                   counted_version = r.current_version + 1, counted_template = excluded.template
            RETURNING current_version
            """;
        const string insertVersion = """
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, content_hash, api_key_id)
            VALUES (@tenantId, @orgUnitId, @year, @version, @template, @json::jsonb, @hash, 'test')
            """;
        const string replaceValues = """
            DELETE FROM report_values WHERE tenant_id = @tenantId AND year = @year AND org_unit_id = @orgUnitId;
            INSERT INTO report_values (tenant_id, year, org_unit_id, indicator, value)
            SELECT @tenantId, @year, @orgUnitId, code, value FROM unnest(@codes, @numbers) AS v(code, value);
            """;

        var json = JsonSerializer.Serialize(values);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        var observers = notify ? Observers : [];
        await using (var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            var version = await db.QuerySingleAsync<int>(upsertReport, new { tenantId, orgUnitId, year, template, hash });
            await db.ExecuteAsync(insertVersion, new { tenantId, orgUnitId, year, version, template, json, hash });
            await db.ExecuteAsync(replaceValues, new { tenantId, orgUnitId, year, codes = values.Keys.ToArray(), numbers = values.Values.ToArray() });
            foreach (var observer in observers) await observer.OnFiguresChangingAsync(db, tenantId, year, CancellationToken.None);
            await db.CommitAsync();
        }
        foreach (var observer in observers) await observer.OnFiguresChangedAsync(tenantId, year, CancellationToken.None);
    }

    /// <summary>Polls (no sleeping on a guess) until no rollup job is queued and the figures include every version.</summary>
    public async Task WaitForFiguresAsync(Guid tenantId, int year, TimeSpan? timeout = null)
    {
        const string sql = """
            SELECT computed_at IS NOT NULL AND queued_job_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year AND f.kind <> 'deadline')
                   AND watermark IS NOT DISTINCT FROM (SELECT max(seq) FROM report_versions v WHERE v.tenant_id = s.tenant_id AND v.year = s.year)
            FROM rollup_state s WHERE tenant_id = @tenantId AND year = @year
            """;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
            {
                if (await db.QuerySingleOrDefaultAsync<bool?>(sql, new { tenantId, year }) == true) break;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"The {year} rollup of {tenantId} was not computed in time: {await DescribeStateAsync(tenantId, year)}");
            await Task.Delay(25);
        }
        await WaitForGenerationsAsync(tenantId, year);
    }

    /// <summary>
    /// Polls until the API's generations of the year in memory are those of the database (the NOTIFY of the last change
    /// or run heard), so that a read answers from what the database holds now.
    /// </summary>
    public async Task WaitForGenerationsAsync(Guid tenantId, int year, IServiceProvider? replica = null)
    {
        var generations = (replica ?? api.Factory.Services).GetRequiredService<Aggregator.Api.Generations.FigureGenerations>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var (figures, pending, digest) = await QueryAsync(tenantId, db => db.QuerySingleAsync<(long Figures, long Pending, long Digest)>(
                Aggregator.Api.Generations.FigureGenerationListener.ReadOneSql, new { tenantId, year }));
            var expected = Aggregator.Api.Generations.FigureGenerations.TokenFrom(year, figures, pending, digest);
            var held = generations.TokenOf(tenantId, year);
            if (held == expected) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The API's generation of {year} is {held ?? "unknown"}, the database's {expected} ({generations.Describe()}; " +
                $"listener connections {(replica ?? api.Factory.Services).GetRequiredService<Aggregator.Api.Generations.FigureGenerationListener>().Connections}).");
            await Task.Delay(10);
        }
    }

    private async Task<string> DescribeStateAsync(Guid tenantId, int year)
    {
        const string sql = $"""
            SELECT format('computed_at=%s queued=%s pending=%s computed=%s watermark=%s max_seq=%s runs=%s error=%s',
                   computed_at, queued_job_id,
                   (SELECT count(*) FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year), computed_generation, watermark,
                   (SELECT max(seq) FROM report_versions v WHERE v.tenant_id = s.tenant_id AND v.year = s.year), runs, last_error)
            FROM rollup_state s WHERE tenant_id = @tenantId AND year = @year
            """;
        return await QueryAsync(tenantId, db => db.QuerySingleOrDefaultAsync<string>(sql, new { tenantId, year })) ?? "no rollup_state row";
    }

    public async Task<T> QueryAsync<T>(Guid tenantId, Func<DbSession, Task<T>> query)
    {
        await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
        var result = await query(db);
        await db.CommitAsync();
        return result;
    }
}
