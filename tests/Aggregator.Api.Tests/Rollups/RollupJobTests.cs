using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Rollups;

[Collection(ApiCollection.Name)]
public sealed class RollupJobTests(ApiFixture api)
{
    private const int Year = 2017;
    private const string Template = "bj-gip-2017";
    private readonly ReportRows _rows = new(api);
    private readonly Infrastructure.TestData _data = new(api);

    private RollupJob NewJob(Func<string, Task>? afterStep = null) =>
        new(api.TenantDb, api.Factory.Services.GetRequiredService<TemplateCatalog>(), NullLogger<RollupJob>.Instance)
        {
            AfterStep = afterStep ?? (_ => Task.CompletedTask),
        };

    private static Dictionary<string, decimal?> Values(decimal? applications, decimal? published) =>
        new() { ["3.1"] = applications, ["1.1"] = published };

    private Task<List<(long Unit, string Indicator, decimal? Value, int Reporters)>> StoredAsync(Guid tenantId) =>
        _rows.QueryAsync(tenantId, async db => (await db.QueryAsync<(long, string, decimal?, int)>(
            "SELECT org_unit_id, indicator, value, reporters FROM rollup_values WHERE year = @Year ORDER BY 1, 2", new { Year })).ToList());

    /// <summary>A district whose sub-district A reported (3.1 = 3, 1.1 = 975) and whose figures are computed.</summary>
    private async Task<(District District, Guid TenantId, ReportRows.Unit A)> DistrictWithFiguresAsync()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, Year, Template, Values(3, 975));
        await _rows.WaitForFiguresAsync(tenantId, Year);
        return (district, tenantId, a);
    }

    [Fact]
    public async Task Should_store_comparisons_only_of_each_year_with_the_year_before_when_ten_years_are_reported()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        var years = Enumerable.Range(2008, 10).ToList();
        foreach (var year in years) await _rows.StoreAsync(tenantId, a.Id, year, Template, Values(year - 2000, 1));
        foreach (var year in years) await _rows.WaitForFiguresAsync(tenantId, year, TimeSpan.FromSeconds(90));
        // A run of a year in the middle recomputes its two neighbouring comparisons, not one per other year.
        await NewJob().ExecuteAsync(tenantId, 2012, force: true, CancellationToken.None);

        var (pairs, rows) = await _rows.QueryAsync(tenantId, async db => (
            (await db.QueryAsync<(int Year, int BaseYear)>("SELECT year, base_year FROM comparison_state ORDER BY year")).ToList(),
            await db.QuerySingleAsync<long>("SELECT count(*) FROM comparison_values")));

        // Every year against the year before: 9 pairs, where every pair of years would be 45.
        Assert.Equal(years.Skip(1).Select(year => (year, year - 1)), pairs);
        // Two indicators (3.1, 1.1) for each unit whose rollup holds the figures (the root and any unit between).
        var rolledUp = await _rows.QueryAsync(tenantId, db => db.QuerySingleAsync<long>(
            "SELECT count(DISTINCT org_unit_id) FROM rollup_values WHERE year = 2017"));
        Assert.InRange(rolledUp, 1, 5);
        Assert.Equal(9 * 2 * rolledUp, rows);
    }

    [Fact]
    public async Task Should_store_the_year_afters_comparison_anew_when_the_years_figures_change_and_write_nothing_over_unchanged_figures()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await _rows.StoreAsync(tenantId, a.Id, 2015, Template, Values(3, 1));
        await _rows.StoreAsync(tenantId, a.Id, 2016, Template, Values(5, 1));
        await _rows.WaitForFiguresAsync(tenantId, 2015);
        await _rows.WaitForFiguresAsync(tenantId, 2016);
        var root = await _rows.UnitAsync(tenantId, district.Tenant);

        // Each stored row with the transaction that last wrote it (xmin): what a run writes, and what it leaves.
        Task<List<(string Table, string Indicator, decimal? Value, decimal? BaseValue, string Writer)>> RowsAsync() =>
            _rows.QueryAsync(tenantId, async db => (await db.QueryAsync<(string, string, decimal?, decimal?, string)>("""
                SELECT 'rollup 2015', indicator, value, NULL::numeric, xmin::text FROM rollup_values WHERE year = 2015 AND org_unit_id = @Root
                UNION ALL
                SELECT 'comparison 2016/2015', indicator, value, base_value, xmin::text FROM comparison_values
                WHERE year = 2016 AND base_year = 2015 AND org_unit_id = @Root
                ORDER BY 1, 2
                """, new { Root = root.Id })).ToList());
        var before = await RowsAsync();
        Assert.Contains(before, row => row is { Table: "comparison 2016/2015", Indicator: "3.1", Value: 5m, BaseValue: 3m });

        // Forced over unchanged figures: everything computed again, nothing written.
        Assert.True(await NewJob().ExecuteAsync(tenantId, 2015, force: true, CancellationToken.None));
        Assert.Equal(before, await RowsAsync());

        // 2015's 3.1 corrected: its run rewrites that row, and the comparison of 2016 against it, and nothing else.
        await _rows.StoreAsync(tenantId, a.Id, 2015, Template, Values(7, 1));
        await _rows.WaitForFiguresAsync(tenantId, 2015);
        var after = await RowsAsync();
        var rewritten = after.Except(before).ToList();
        Assert.Equal(
            [("comparison 2016/2015", "3.1", 5m, 7m), ("rollup 2015", "3.1", 7m, null)],
            rewritten.Select(row => (row.Table, row.Indicator, row.Value, row.BaseValue)).OrderBy(row => row.Table).ToList());
        Assert.Equal(before.Where(row => row.Indicator != "3.1"), after.Where(row => row.Indicator != "3.1"));
    }

    [Fact]
    public async Task Should_change_nothing_when_a_job_runs_twice()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();
        var before = await StoredAsync(tenantId);

        Assert.True(await NewJob().ExecuteAsync(tenantId, Year, force: true, CancellationToken.None));
        Assert.False(await NewJob().ExecuteAsync(tenantId, Year, force: false, CancellationToken.None));

        Assert.Equal(before, await StoredAsync(tenantId));
        Assert.Contains(before, v => v.Indicator == "1.1" && v.Value == 975m && v.Reporters == 1);
    }

    [Fact]
    public async Task Should_keep_the_previous_figures_whole_when_a_job_fails_midway()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();
        var before = await StoredAsync(tenantId);

        var failing = NewJob(step => step == "values" ? throw new InvalidOperationException("disk full") : Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ExecuteAsync(tenantId, Year, force: true, CancellationToken.None));

        Assert.Equal(before, await StoredAsync(tenantId));
        var error = await _rows.QueryAsync(tenantId, db => db.QuerySingleAsync<string?>("SELECT last_error FROM rollup_state WHERE year = @Year", new { Year }));
        Assert.Equal("disk full", error);
    }

    [Fact]
    public async Task Should_cost_a_handful_of_runs_for_a_burst_of_300_versions()
    {
        var tenant = await _data.TenantAsync();
        var tenantId = await _rows.TenantIdAsync(tenant);
        var root = await _rows.UnitAsync(tenantId, tenant);
        var streets = new List<ReportRows.Unit>();
        for (var i = 0; i < 10; i++) streets.Add(await _rows.AddUnitAsync(tenantId, root));
        var units = new List<ReportRows.Unit>();
        for (var i = 0; i < 300; i++) units.Add(await _rows.AddUnitAsync(tenantId, streets[i % streets.Count]));

        await Task.WhenAll(units.Select((unit, i) => Task.Run(() => _rows.StoreAsync(tenantId, unit.Id, Year, Template, Values(i, i % 7 == 0 ? null : 1)))));
        await _rows.WaitForFiguresAsync(tenantId, Year, TimeSpan.FromSeconds(60));

        var runs = await _rows.QueryAsync(tenantId, db => db.QuerySingleAsync<long>("SELECT runs FROM rollup_state WHERE year = @Year", new { Year }));
        // At most one job is queued at a time, so runs follow the burst's length over one run's: a handful
        // here, more on a slower machine, never one per post.
        Assert.InRange(runs, 1, 60);
        var stored = await StoredAsync(tenantId);
        Assert.Contains(stored, v => v.Unit == root.Id && v.Indicator == "3.1" && v.Value == Enumerable.Range(0, 300).Sum() && v.Reporters == 300);
        Assert.Contains(stored, v => v.Unit == root.Id && v.Indicator == "1.1" && v.Value == 300 - 43 && v.Reporters == 300 - 43);
        Assert.Contains(stored, v => v.Unit == streets[0].Id && v.Indicator == "3.1" && v.Value == Enumerable.Range(0, 30).Sum(i => i * 10) && v.Reporters == 30);
    }

    [Fact]
    public async Task Should_answer_404_no_reports_then_being_computed_before_the_first_figures_and_then_serve_them()
    {
        var district = await _data.DistrictAsync();
        var viewer = api.Client(district.Keys["viewer@root"]);
        var url = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}";

        // Nobody has reported the year: nothing is on its way, and the answer does not say "try again shortly".
        var nothing = await (await viewer.GetAsync(url)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal("no-reports", nothing.GetProperty("reason").GetString());

        var tenantId = await _rows.TenantIdAsync(district.Tenant);
        var a = await _rows.UnitAsync(tenantId, district.SubDistrictA);
        await using (var hold = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            // A report is in, its rollup held back by the test: now the figures are on their way.
            await Aggregator.Jobs.Rollups.Data.LockAsync(hold, tenantId, Year);
            await _rows.StoreAsync(tenantId, a.Id, Year, Template, Values(3, 975));
            var pending = await (await viewer.GetAsync(url)).ShouldBeProblem(HttpStatusCode.NotFound);
            Assert.Equal("being-computed", pending.GetProperty("reason").GetString());
        }
        await _rows.WaitForFiguresAsync(tenantId, Year);

        var response = await viewer.GetAsync(url);
        await response.ShouldHaveStatus(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(district.Tenant, body.GetProperty("orgUnit").GetString());
        Assert.Equal(Template, body.GetProperty("template").GetString());
        Assert.False(body.GetProperty("stale").GetBoolean());
        Assert.Equal(975m, body.GetProperty("values").GetProperty("1.1").GetProperty("value").GetDecimal());
        Assert.Equal(1, body.GetProperty("values").GetProperty("1.1").GetProperty("reporters").GetInt32());
        var completeness = body.GetProperty("completeness");
        Assert.Equal(2, completeness.GetProperty("expected").GetInt32());
        Assert.Equal(1, completeness.GetProperty("reported").GetInt32());
        Assert.Equal([district.SubDistrictB], completeness.GetProperty("missing").EnumerateArray().Select(e => e.GetString()!));

        var breakdown = await viewer.GetFromJsonAsync<JsonElement>($"{url}/breakdown?indicator=1.1");
        var children = breakdown.GetProperty("children").EnumerateArray().ToList();
        var first = children.Single(c => c.GetProperty("orgUnit").GetString() == district.SubDistrictA);
        Assert.Equal(100.0m, first.GetProperty("share").GetDecimal());
        Assert.Equal(1, first.GetProperty("rank").GetInt32());

        var series = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/series?indicator=1.1");
        Assert.Equal(975m, series.GetProperty("points")[0].GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task Should_show_stale_figures_while_a_newer_version_is_not_included()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();

        // A version stored without telling the trigger (so no job runs): the figures no longer include everything.
        await _rows.QueryAsync(tenantId, db => db.ExecuteAsync("""
            INSERT INTO report_versions (tenant_id, org_unit_id, year, version, template, values, content_hash, api_key_id)
            VALUES (@tenantId, @unit, @Year, 99, @Template, '{}', '\x00', 'test')
            """, new { tenantId, unit = a.Id, Year, Template }));

        var body = await api.Client(district.Keys["viewer@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}");
        Assert.True(body.GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Should_queue_a_recompute_for_a_reviewer_and_report_the_job()
    {
        var district = await _data.DistrictAsync();
        var reviewer = api.Client(district.Keys["reviewer@root"]);
        var response = await reviewer.PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null);
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/api/v1/jobs/", location);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string state;
        do
        {
            var job = await reviewer.GetFromJsonAsync<JsonElement>(location);
            state = job.GetProperty("state").GetString()!;
            if (state is "Succeeded" or "Failed") break;
            await Task.Delay(25);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal("Succeeded", state);

        var viewerOfA = api.Client(district.Keys["viewer@a"]);
        await (await viewerOfA.PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        var other = await _data.DistrictAsync();
        await (await api.Client(other.Keys["reviewer@root"]).GetAsync(location)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_hide_the_districts_rollups_from_a_sub_districts_viewer_and_from_another_tenant()
    {
        var (district, tenantId, a) = await DistrictWithFiguresAsync();
        var url = $"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}";

        await (await api.Client(district.Keys["viewer@a"]).GetAsync(url)).ShouldBeProblem(HttpStatusCode.NotFound);
        // Figures of a unit with units below it are for viewers and reviewers: a reporter, even at the root, gets 403.
        await (await api.Client(district.Keys["reporter@root"]).GetAsync(url)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await api.Client(district.Keys["reporter@root"]).GetAsync($"{url}/breakdown?indicator=1.1")).ShouldBeProblem(HttpStatusCode.Forbidden);
        var other = await _data.DistrictAsync();
        await (await api.Client(other.Keys["viewer@root"]).GetAsync(url)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await api.Client(district.Keys["viewer@root"]).GetAsync(url)).ShouldHaveStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_open_the_jobs_dashboard_to_admin_keys_only()
    {
        var district = await _data.DistrictAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.Admin().GetAsync("/hangfire")).StatusCode);
        Assert.Contains((await api.Client(district.Keys["tenant-admin@root"]).GetAsync("/hangfire")).StatusCode,
            new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Contains((await api.Client().GetAsync("/hangfire")).StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }
}
