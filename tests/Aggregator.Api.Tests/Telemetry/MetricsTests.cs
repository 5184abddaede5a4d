using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Auth;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Npgsql;

namespace Aggregator.Api.Tests.Telemetry;

/// <summary>
/// /metrics as Prometheus scrapes it: no key, the text format, and after a report and its rollup the counters,
/// the request and rollup histograms and the gauges, labelled by route template, rule, template and queue, never
/// by a tenant. Against the API as a process of its own over a database of its own: ASP.NET Core's and Npgsql's
/// meters are process-wide, and the other test hosts of this process would otherwise come and go in them.
/// </summary>
public sealed partial class MetricsTests(MetricsTests.ApiProcess api) : IClassFixture<MetricsTests.ApiProcess>
{
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
        var district = await api.DistrictAsync();
        var reporter = api.Client(district.ReporterKey);
        // The counters are the process's: read them before and compare the difference (the class's tests run one at a time).
        const string versionsRoute = "api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions";
        var counters = new Dictionary<string, Func<List<Sample>, double>>
        {
            ["versions stored"] = m => Sum(m, "aggregator_versions_stored_total", ("aggregator_template", "bj-gip-2017")),
            ["sum:3.1 broken"] = m => Sum(m, "aggregator_validation_failures_total", ("aggregator_rule", "sum:3.1"), ("aggregator_template", "bj-gip-2017")),
            ["rollups computed"] = m => Sum(m, "aggregator_rollup_duration_seconds_count", ("aggregator_outcome", "computed")),
        };
        foreach (var status in new[] { "201", "404", "422" })
            counters[$"POST versions {status}"] = m => Sum(m, "http_server_request_duration_seconds_count",
                ("http_route", versionsRoute), ("http_request_method", "POST"), ("http_response_status_code", status));
        var before = await api.SettledScrapeAsync(counters.Values);

        await (await TestData.PostReportAsync(reporter, district.Tenant, district.Unit, TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await (await TestData.PostReportAsync(reporter, district.Tenant, "nowhere", TestData.ReportFor()))
            .ShouldHaveStatus(HttpStatusCode.NotFound);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.Unit, TestData.ReportFor().With("3.1", 4)))
            .ShouldHaveStatus(HttpStatusCode.UnprocessableEntity);

        // Each of the above once: one version stored, one sum rule broken, one request per status, and the one rollup
        // the version queued (run by the process's Hangfire server). Scraped until all are seen and settled (the
        // exporter caches a scrape briefly), then compared exactly: a double count shows.
        await api.ScrapeUntilAsync(m => counters.Values.All(counter => counter(m) - counter(before) >= 1));
        var metrics = await api.SettledScrapeAsync(counters.Values);
        var deltas = counters.ToDictionary(c => c.Key, c => c.Value(metrics) - c.Value(before));
        Assert.True(deltas.Values.All(delta => delta == 1), string.Join(", ", deltas.Select(d => $"{d.Key} +{d.Value}")));
        Assert.Contains(metrics, s => s.Name == "aggregator_rollup_duration_seconds_bucket" && s.Labels.ContainsKey("le"));
        Assert.Contains(metrics, s => s.Name == "aggregator_jobs_queue_depth" && s.Labels.GetValueOrDefault("aggregator_queue") == "rollups");
        Assert.Contains(metrics, s => s.Name == "aggregator_jobs_queue_lag_seconds");
        Assert.Contains(metrics, s => s.Name == "db_client_operation_duration_seconds_count");
        // Pools are not labelled: an unnamed one is named after its connection string (host, port, roles).
        Assert.DoesNotContain(metrics, s => s.Labels.ContainsKey("db_client_connection_pool_name"));
    }

    [Fact]
    public async Task Should_show_how_long_the_oldest_stale_figures_of_any_tenant_have_waited()
    {
        var district = await api.DistrictAsync();
        // Figures of a year that went stale an hour ago and whose rollup never ran (a worker down, say).
        const int year = 2019;
        await using (var db = await api.TenantDb.BeginAsync(district.TenantId, CancellationToken.None))
        {
            await db.ExecuteAsync("""
                INSERT INTO figure_changes (tenant_id, year, kind, at)
                VALUES (@tenantId, @year, 'change', now() - interval '1 hour')
                """, new { tenantId = district.TenantId, year });
            await db.CommitAsync();
        }

        // A scrape may be answered from the exporter's short cache, taken before the row was written: scrape again.
        var metrics = await api.ScrapeUntilAsync(m => Max(m, "aggregator_rollups_staleness_seconds") >= 3600);

        Assert.True(Max(metrics, "aggregator_rollups_staleness_seconds") >= 3600, $"staleness {Max(metrics, "aggregator_rollups_staleness_seconds")} s");
        Assert.True(Max(metrics, "aggregator_rollups_stale") >= 1);
    }

    [Fact]
    public async Task Should_not_name_a_tenant_unit_or_key_in_any_label()
    {
        var district = await api.DistrictAsync();
        var reporter = api.Client(district.ReporterKey);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.Unit, TestData.ReportFor().With("3.1", 4)))
            .ShouldHaveStatus(HttpStatusCode.UnprocessableEntity);
        await (await reporter.GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Unit}")).ShouldHaveStatus(HttpStatusCode.OK);

        using var scrape = await api.Client().GetAsync("/metrics");
        await scrape.ShouldHaveStatus(HttpStatusCode.OK);
        var text = await scrape.Content.ReadAsStringAsync();

        // The requests above were recorded (by route template), and nothing names what they were about.
        Assert.Contains("http_route=\"api/v1/tenants/{tenant}/org-units/{org}\"", text);
        Assert.DoesNotContain(district.Tenant, text);
        Assert.DoesNotContain(district.Unit, text);
        Assert.DoesNotContain(district.TenantId.ToString(), text);
        Assert.DoesNotContain(district.ReporterKey, text);
        Assert.DoesNotContain(api.AdminKey, text);
        Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Username=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Host=", text, StringComparison.OrdinalIgnoreCase);
    }

    public sealed record District(string Tenant, Guid TenantId, string Unit, string ReporterKey);

    /// <summary>The API as an operator starts it, over an embedded PostgreSQL of its own, for this class's tests.</summary>
    public sealed class ApiProcess : IAsyncLifetime
    {
        private ScratchCluster _cluster = null!;
        private AppProcess _process = null!;
        private NpgsqlDataSource _dataSource = null!;
        private Uri _address = null!;

        public string AdminKey { get; } = ApiKeySecret.Generate();
        public TenantDb TenantDb { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _cluster = await ScratchCluster.StartAsync("aggregator-metrics");
            _dataSource = NpgsqlDataSource.Create(_cluster.AppConnectionString);
            TenantDb = new TenantDb(_dataSource);
            _process = AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
            {
                ["ConnectionStrings__Aggregator"] = _cluster.AppConnectionString,
                ["ConnectionStrings__AggregatorOwner"] = _cluster.OwnerConnectionString,
                ["Aggregator__BootstrapAdminKey"] = AdminKey,
                ["Aggregator__Jobs__SweepCron"] = "0 0 31 2 *",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            });
            _address = await _process.ListeningAsync();
        }

        public HttpClient Client(string? key = null)
        {
            var client = new HttpClient { BaseAddress = _address };
            if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }

        /// <summary>A tenant with one sub-district and a reporter key for it.</summary>
        public async Task<District> DistrictAsync()
        {
            using var admin = Client(AdminKey);
            var tenant = TestData.UniqueCode("t");
            var unit = TestData.UniqueCode("u");
            await (await admin.PostAsJsonAsync("/api/v1/tenants", new { code = tenant, name = "西城区", kind = "district" })).ShouldHaveStatus(HttpStatusCode.Created);
            await (await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/org-units", new { code = unit, name = "陶然亭街道", kind = "sub-district" }))
                .ShouldHaveStatus(HttpStatusCode.Created);
            var created = await admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/api-keys", new { orgUnit = unit, role = "reporter", name = "reporter" });
            await created.ShouldHaveStatus(HttpStatusCode.Created);
            var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

            await using var db = await TenantDb.BeginPlatformAsync(CancellationToken.None);
            var tenantId = await db.QuerySingleAsync<Guid>("SELECT tenant_id FROM tenants WHERE code = @tenant", new { tenant });
            await db.CommitAsync();
            return new District(tenant, tenantId, unit, key);
        }

        /// <summary>Scrapes until <paramref name="done"/> holds or a minute has passed, and returns the last scrape.</summary>
        public async Task<List<Sample>> ScrapeUntilAsync(Func<List<Sample>, bool> done)
        {
            using var client = Client();
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var text = await (await client.GetAsync("/metrics")).Content.ReadAsStringAsync();
                var samples = text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(Parse).ToList();
                if (done(samples) || waited.Elapsed > TimeSpan.FromMinutes(1)) return samples;
                await Task.Delay(200);
            }
        }

        /// <summary>
        /// A scrape whose <paramref name="counters"/> read the same as in one taken after the exporter's cache (300 ms)
        /// expired: nothing recorded late (a request's duration is recorded as it ends) is still on its way.
        /// </summary>
        public async Task<List<Sample>> SettledScrapeAsync(IEnumerable<Func<List<Sample>, double>> counters)
        {
            var read = counters.ToList();
            var previous = await ScrapeUntilAsync(_ => true);
            var waited = Stopwatch.StartNew();
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(400));
                var next = await ScrapeUntilAsync(_ => true);
                if (read.All(counter => counter(next) == counter(previous))) return next;
                if (waited.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException("the counters did not settle within a minute");
                previous = next;
            }
        }

        public async Task DisposeAsync()
        {
            await _process.DisposeAsync();
            await _dataSource.DisposeAsync();
            await _cluster.DisposeAsync();
        }
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

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

    private static double Sum(IEnumerable<Sample> samples, string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
