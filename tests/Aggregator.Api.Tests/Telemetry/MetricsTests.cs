using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>
/// /metrics as Prometheus scrapes it: no key, the text format, and after a report and its rollup the counters,
/// the request and rollup histograms and the gauges, labelled by route template, rule, template and queue, never
/// by a tenant.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class MetricsTests(ApiFixture api)
{
    private readonly TestData _data = new(api);
    private readonly ReportRows _rows = new(api);

    [Fact]
    public async Task Should_answer_prometheus_text_without_a_key()
    {
        var response = await api.Client().GetAsync("/metrics");

        await response.ShouldHaveStatus(HttpStatusCode.OK);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Matches(@"(?m)^# TYPE \w+ (counter|gauge|histogram)$", text);
        Assert.Matches(@"(?m)^target_info\{.*service_name=""aggregator-api""", text);
    }

    [Fact]
    public async Task Should_count_versions_and_broken_rules_and_time_requests_and_rollups()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        var tenantId = await _data.TenantIdAsync(district.Tenant);

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictB, TestData.ReportFor().With("3.1", 4)))
            .ShouldHaveStatus(HttpStatusCode.NotFound);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("3.1", 4)))
            .ShouldHaveStatus(HttpStatusCode.UnprocessableEntity);
        await _rows.WaitForFiguresAsync(tenantId, SeedReport.Year);

        var metrics = await ScrapeAsync();

        Assert.True(Sum(metrics, "aggregator_versions_stored_total", ("aggregator_template", "bj-gip-2017")) >= 1);
        Assert.True(Sum(metrics, "aggregator_validation_failures_total", ("aggregator_rule", "sum:3.1"), ("aggregator_template", "bj-gip-2017")) >= 1);
        Assert.True(Sum(metrics, "aggregator_rollup_duration_seconds_count", ("aggregator_outcome", "computed")) >= 1);
        Assert.Contains(metrics, s => s.Name == "aggregator_rollup_duration_seconds_bucket" && s.Labels.ContainsKey("le"));
        const string versionsRoute = "api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions";
        foreach (var status in new[] { "201", "404", "422" })
            Assert.True(Sum(metrics, "http_server_request_duration_seconds_count",
                ("http_route", versionsRoute), ("http_request_method", "POST"), ("http_response_status_code", status)) >= 1, status);
        Assert.Contains(metrics, s => s.Name == "aggregator_jobs_queue_depth" && s.Labels.GetValueOrDefault("aggregator_queue") == "rollups");
        Assert.Contains(metrics, s => s.Name == "aggregator_jobs_queue_lag_seconds");
        Assert.Contains(metrics, s => s.Name == "db_client_operation_duration_seconds_count" || s.Name.StartsWith("db_client_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_show_how_long_the_oldest_stale_figures_of_any_tenant_have_waited()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        // Figures of a year that went stale an hour ago and whose rollup never ran (a worker down, say).
        const int year = 2019;
        await using (var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None))
        {
            await db.ExecuteAsync("""
                INSERT INTO rollup_state (tenant_id, year, dirty_generation, dirty_since)
                VALUES (@tenantId, @year, 1, now() - interval '1 hour')
                """, new { tenantId, year });
            await db.CommitAsync();
        }

        try
        {
            // A scrape may be answered from the exporter's short cache, taken before the row was written: scrape again.
            List<Sample> metrics;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            do metrics = await ScrapeAsync();
            while (Max(metrics, "aggregator_rollups_staleness_seconds") < 3600 && DateTime.UtcNow < deadline && await Pause());

            Assert.True(Max(metrics, "aggregator_rollups_staleness_seconds") >= 3600,
                $"staleness {Max(metrics, "aggregator_rollups_staleness_seconds")} s");
            Assert.True(Max(metrics, "aggregator_rollups_stale") >= 1);
        }
        finally
        {
            await using var db = await api.TenantDb.BeginAsync(tenantId, CancellationToken.None);
            // The app role deletes no rollup_state row: leave it clean (nothing waiting), as a year nobody reported.
            await db.ExecuteAsync("UPDATE rollup_state SET dirty_generation = 0, dirty_since = NULL WHERE tenant_id = @tenantId AND year = @year",
                new { tenantId, year });
            await db.CommitAsync();
        }
    }

    [Fact]
    public async Task Should_not_name_a_tenant_unit_or_key_in_any_label()
    {
        var district = await _data.DistrictAsync();
        var tenantId = await _data.TenantIdAsync(district.Tenant);
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("3.1", 4)))
            .ShouldHaveStatus(HttpStatusCode.UnprocessableEntity);
        await (await api.Client(district.Keys["viewer@root"]).GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.SubDistrictB}"))
            .ShouldHaveStatus(HttpStatusCode.OK);

        var text = await (await api.Client().GetAsync("/metrics")).Content.ReadAsStringAsync();

        Assert.DoesNotContain(district.Tenant, text);
        Assert.DoesNotContain(district.SubDistrictA, text);
        Assert.DoesNotContain(district.SubDistrictB, text);
        Assert.DoesNotContain(tenantId.ToString(), text);
        Assert.All(district.Keys.Values, key => Assert.DoesNotContain(key, text));
        Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private async Task<List<Sample>> ScrapeAsync()
    {
        var text = await (await api.Client().GetAsync("/metrics")).Content.ReadAsStringAsync();
        return text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(Parse).ToList();
    }

    /// <summary>One line of the text format: name{label="value",…} value [timestamp].</summary>
    private static Sample Parse(string line)
    {
        var m = SampleLine().Match(line);
        Assert.True(m.Success, $"a Prometheus sample line: {line}");
        var labels = LabelPair().Matches(m.Groups["labels"].Value)
            .ToDictionary(l => l.Groups["name"].Value, l => l.Groups["value"].Value.Replace("\\\"", "\"").Replace("\\\\", "\\"));
        var value = m.Groups["value"].Value switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var v => double.Parse(v, CultureInfo.InvariantCulture),
        };
        return new Sample(m.Groups["name"].Value, labels, value);
    }

    private static double Max(IEnumerable<Sample> samples, string name) =>
        samples.Where(s => s.Name == name).Select(s => s.Value).DefaultIfEmpty(double.NaN).Max();

    private static async Task<bool> Pause()
    {
        await Task.Delay(100);
        return true;
    }

    private static double Sum(IEnumerable<Sample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
