using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Api.Limits;
using Aggregator.Jobs.Rollups;
using Aggregator.LoadTest;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aggregator.Benchmarks.Suite;

/// <summary>
/// Issue 10's scenarios (and issue 19's table read) against a private PostgreSQL and the API (in-process, on Kestrel),
/// each with its baseline measured in the same run; HTTP load by wrk. Writes RESULTS.md (and, with --json, the figures
/// for the smoke test). Scenarios, by their --only names:
/// <list type="bullet">
/// <item>read: the root's rollup of a year, plain and with If-None-Match, c=32, against <c>/health/live</c>; peak RSS.</item>
/// <item>table: the root's table of 20 summable indicators × every leaf (<c>?level=leaves</c>, about 1,000 units at
/// medium size), c=32, against <c>/health/live</c>; and a cold read, the first after a POST to that tenant-year.</item>
/// <item>ingest: full report POSTs, c=16, against a bare Npgsql writer; peak RSS.</item>
/// <item>freshness: a burst of POSTs until the rollup holds them all.</item>
/// <item>recompute, sweep: the rollup job against one bare statement, one tenant-year and every tenant.</item>
/// <item>growth: recompute time as the values grow.</item>
/// </list>
/// With --pgbouncer the API (not the baselines) goes through a PgBouncer 1.18 in transaction mode, its pooled data source
/// preparing nothing: run a scenario with and without it to see what the pooler costs.
/// </summary>
internal static class BenchmarkSuite
{
    private const int RecomputeYear = 2021;

    public static async Task<int> RunAsync(SuiteOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var log = Console.Out;
        var wrk = await Wrk.FindOrInstallAsync(options.InstallWrk, log);
        if (wrk is null && options.Size != "tiny")
        {
            Console.Error.WriteLine(Wrk.Missing);
            return 3;
        }

        log.WriteLine($"Starting PostgreSQL and the API (size {options.Size}{(options.PgBouncer ? ", through PgBouncer" : "")})…");
        await using var load = await LoadApi.StartAsync(options.PgBouncer);
        var suite = new Run(options, load, wrk, log);
        var results = await suite.RunAllAsync();

        await using var version = new NpgsqlCommand("SHOW server_version", await suite.Superuser.OpenConnectionAsync());
        var machine = Results.Machine((string)(await version.ExecuteScalarAsync())!);
        var markdown = Results.Markdown(options, machine, Results.Commit(), started, suite.Setup, results);
        var output = options.Out ?? Path.Combine(Results.RepositoryRoot() ?? ".", "tests", "Aggregator.Benchmarks", "RESULTS.md");
        await File.WriteAllTextAsync(output, markdown);
        if (options.Json is { } json) await File.WriteAllTextAsync(json, Results.Json(results));
        log.WriteLine(markdown);
        log.WriteLine($"Written to {Path.GetFullPath(output)}");
        return 0;
    }

    private sealed class Run(SuiteOptions options, LoadApi load, Wrk? wrk, TextWriter log)
    {
        private readonly List<ScenarioResult> _results = [];
        private readonly TemplateCatalog _catalog = SeedReport.Catalog;
        private readonly NpgsqlDataSource _app = NpgsqlDataSource.Create(load.Postgres.AppConnectionString);
        private readonly string _work = Directory.CreateTempSubdirectory("aggregator-bench-").FullName;
        private List<GeneratedTenant> _tenants = [];
        private string _adminKey = "", _viewerKey = "";
        private string _url = "";

        private readonly string _superuser = SuperuserConnectionString(load);

        public NpgsqlDataSource Superuser => field ??= NpgsqlDataSource.Create(_superuser);
        public List<string> Setup { get; } = [];

        public async Task<List<ScenarioResult>> RunAllAsync()
        {
            _url = load.Api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            await GenerateAsync();
            var job = new RollupJob(new TenantDb(_app), _catalog, NullLogger<RollupJob>.Instance);
            // The years around the one timed are computed, as the service computes every year that receives reports:
            // its comparisons with them then come from their stored rollups, as they would in service.
            var around = Stopwatch.StartNew();
            foreach (var tenant in _tenants)
                foreach (var year in new[] { RecomputeYear - 1, RecomputeYear + 1 })
                    await job.ExecuteAsync(tenant.Id, year, force: true, CancellationToken.None);
            Setup.Add($"Rollups of {RecomputeYear - 1} and {RecomputeYear + 1} computed for every tenant first: {around.Elapsed.TotalSeconds:F1} s");
            await job.ExecuteAsync(_tenants[0].Id, RecomputeYear, force: true, CancellationToken.None);

            await Step("read", ReadAsync);
            await Step("table", TableAsync);
            await Step("ingest", IngestAsync);
            await Step("freshness", FreshnessAsync);
            await Step("recompute", () => RecomputeAsync(job));
            await Step("sweep", () => SweepAsync(job));
            await Step("growth", () => GrowthAsync(job));
            return _results;
        }

        private async Task Step(string name, Func<Task> scenario)
        {
            if (!options.Runs(name)) return;
            log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {name}…");
            try
            {
                await scenario();
            }
            catch (Exception ex) when (ex is NpgsqlException or HttpRequestException or InvalidOperationException or TimeoutException)
            {
                // A scenario that cannot finish is a finding, not the end of the run.
                _results.Add(new ScenarioResult(name, $"failed: {ex.GetType().Name}: {ex.Message}", "—", null, "—", false, ex.InnerException?.Message));
            }
        }

        // ---- data -------------------------------------------------------------------------------------------

        private async Task GenerateAsync()
        {
            if (File.Exists("/proc/loadavg"))
                Setup.Add($"Load average at the start (1, 5, 15 min; other work on the machine skews every figure): {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
            var clock = Stopwatch.StartNew();
            // Two tenants at a time: one COPY stream leaves a core of the server idle while it waits on the client.
            var generator = new DataGenerator(_superuser, _catalog, options.Seed, loaders: 2);
            var years = DataGenerator.YearOrder.Take(options.Years).ToList();
            await generator.PrepareBulkAsync();
            var loads = Enumerable.Range(0, options.Tenants).Select(t => generator.TenantAsync($"bench-t{t:D2}", options.Units, years, t)).ToList();
            for (var t = 0; t < loads.Count; t++)
            {
                _tenants.Add(await loads[t]);
                log.WriteLine($"  tenant {t + 1}/{options.Tenants}: {generator.ValuesWritten:N0} values so far, {clock.Elapsed.TotalSeconds:F0} s");
            }
            var loaded = clock.Elapsed;
            await generator.FinishAsync();
            Setup.Add($"Data: {generator.ValuesWritten:N0} report values ({generator.ValuesExpected:N0} expected) in {clock.Elapsed.TotalSeconds:F1} s by binary COPY " +
                      $"({generator.ValuesWritten / clock.Elapsed.TotalSeconds:N0} values/s, analyze included); years {string.Join(", ", years)}");
            // What the load costs in CPU, which a busy machine does not inflate as it does elapsed time: the values a
            // quiet machine's two cores would load per second, were both busy with it.
            var cpu = generator.ServerCpu + generator.ClientCpu;
            if (generator.ServerCpu > TimeSpan.Zero)
                Setup.Add($"Load without analyze: {loaded.TotalSeconds:F1} s; CPU {generator.ServerCpu.TotalSeconds:F1} s in the server's loading backends + " +
                          $"{generator.ClientCpu.TotalSeconds:F1} s making ({generator.BuildCpu.TotalSeconds:F1} s) and writing the values here = {generator.ValuesWritten / cpu.TotalSeconds:N0} values per CPU-second " +
                          $"(≈ {2 * generator.ValuesWritten / cpu.TotalSeconds:N0} values/s on 2 idle cores)");
            _results.Add(new ScenarioResult("data generator", $"{generator.ValuesWritten:N0} values in {clock.Elapsed.TotalSeconds:F1} s", "—", null, "—", null)
            {
                Numbers = { ["rowsWritten"] = generator.ValuesWritten, ["rowsExpected"] = generator.ValuesExpected },
            });

            var root = _tenants[0];
            _adminKey = await KeyAsync(root, "tenant-admin");
            _viewerKey = await KeyAsync(root, "viewer");
        }

        private async Task<string> KeyAsync(GeneratedTenant tenant, string role)
        {
            var key = "agg_bench_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            // The key and its hash in the lookup authentication reads (api_key_hashes), as POST …/api-keys writes them.
            await using var insert = Superuser.CreateCommand("""
                WITH lookup AS (INSERT INTO api_key_hashes (key_hash, tenant_id, api_key_id) VALUES ($5, $1, $2))
                INSERT INTO api_keys (tenant_id, api_key_id, org_unit_id, role, name, key_hash, created_by) VALUES ($1, $2, $3, $4, 'bench', $5, 'bench')
                """);
            insert.Parameters.AddWithValue(tenant.Id);
            insert.Parameters.AddWithValue(Guid.NewGuid());
            insert.Parameters.AddWithValue(tenant.RootId);
            insert.Parameters.AddWithValue(role);
            insert.Parameters.AddWithValue(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            await insert.ExecuteNonQueryAsync();
            return key;
        }

        // ---- HTTP scenarios -----------------------------------------------------------------------------------

        /// <summary>How long each read scenario's warm-up runs before it is measured.</summary>
        private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

        /// <summary>
        /// The ingest's warm-up runs in rounds of this length until the JIT has settled: a round compiles fewer than
        /// <see cref="SettledMethodsPerSecond"/> methods a second (the write path has far more code than a read to bring
        /// to its final tier: about 14,000 compilations over its first minute of writes on 2 busy cores, measured).
        /// </summary>
        private static readonly TimeSpan IngestWarmUpRound = TimeSpan.FromSeconds(5);

        private const int SettledMethodsPerSecond = 10;

        /// <summary>The warm-up's bound, settled or not (the tiny size's smoke run takes one short round).</summary>
        private TimeSpan IngestWarmUpLimit => options.Size == "tiny" ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(120);

        /// <summary>
        /// The read scenario; with --standby against a second API (no jobs) whose figure reads go to a streaming standby of
        /// the cluster made for it (pg_basebackup -R), and the answers from memory then the reads from the database.
        /// </summary>
        private async Task ReadAsync()
        {
            if (wrk is null) { NoWrk("read"); NoWrk("read with If-None-Match"); return; }
            if (!options.Standby)
            {
                await ReadFromAsync(wrk, _url, null);
                return;
            }
            var clock = Stopwatch.StartNew();
            await using var standby = await Standby.StartAsync(_superuser, load.Postgres.AppConnectionString);
            await using var withStandby = load.StartAnother(new Dictionary<string, string?> { ["Aggregator:Database:ReadReplicas:0"] = standby.AppConnectionString });
            Setup.Add($"Standby: pg_basebackup -R of the loaded cluster, started and caught up in {clock.Elapsed.TotalSeconds:F1} s; the read scenario " +
                      "runs against a second API in this process (no jobs) with Aggregator:Database:ReadReplicas:0 = the standby");
            var url = withStandby.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            await ReadFromAsync(wrk, url, withStandby.Services.GetRequiredService<ReadReplicas>());
        }

        /// <summary>What the read scenarios' names add with --standby (nothing without: their names stay those of earlier runs).</summary>
        private string Source => options.Standby ? ", figures from one standby" : "";

        private async Task ReadFromAsync(Wrk runner, string url, ReadReplicas? replicas)
        {
            var path = $"/api/v1/tenants/{_tenants[0].Code}/org-units/{_tenants[0].Code}/rollups/{RecomputeYear}";
            var headers = $"wrk.headers[\"X-Api-Key\"] = {Wrk.Lua(_viewerKey)}\n";
            // Warm-up, not measured: the server's code compiled and its thread pool grown at c=32, as after any
            // minute of service, and the answer kept (the first read of unchanged figures goes to the database).
            await runner.RunAsync(url + path, 32, WarmUp, headers, _work);
            await runner.RunAsync(url + "/health/live", 32, WarmUp, "", _work);
            ResetPeak();
            var read = await runner.RunAsync(url + path, 32, options.Read, headers, _work);
            var readPeak = PeakMegabytes();
            var live = await runner.RunAsync(url + "/health/live", 32, options.Read, "", _work);
            var ratio = read.PerSecond / live.PerSecond;
            _results.Add(new ScenarioResult($"read: `GET …/rollups/{{year}}`, c=32{Source}", Http(read), $"`/health/live`: {Http(live)}", ratio,
                "≥ 0.25 ×, p99 ≤ 50 ms", ratio >= 0.25 && read.P99Ms <= 50) { Numbers = Numbers(read) });

            using var client = new HttpClient { BaseAddress = new Uri(url) };
            using var first = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Api-Key", _viewerKey } } };
            using var answer = await client.SendAsync(first);
            var cells = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("values").EnumerateObject().Count();
            Setup.Add($"Read: the root's rollup of {RecomputeYear} holds {cells} cells ({(await answer.Content.ReadAsByteArrayAsync()).Length:N0} bytes; " +
                      $"{await GzipBytesAsync(client, path):N0} bytes to a client that takes gzip, as kept in memory)");
            if (answer.Headers.ETag is not { } etag)
            {
                _results.Add(new ScenarioResult("read with `If-None-Match`", "no ETag: not applicable", "`/health/live`", null, "≥ 0.5 ×", null,
                    "the rollup answer carries no ETag yet"));
            }
            else
            {
                var polled = await runner.RunAsync(url + path, 32, options.Read, headers + $"wrk.headers[\"If-None-Match\"] = {Wrk.Lua(etag.ToString())}\n", _work);
                var pollRatio = polled.PerSecond / live.PerSecond;
                _results.Add(new ScenarioResult($"read with `If-None-Match`, c=32{Source}", Http(polled), $"`/health/live`: {Http(live)}", pollRatio, "≥ 0.5 ×", pollRatio >= 0.5)
                    { Numbers = Numbers(polled) });
            }
            _results.Add(new ScenarioResult("memory: API peak RSS during read", $"{readPeak:N0} MB", "—", null, "≤ 300 MB", readPeak <= 300, InProcessNote));

            // Every request a new answer: a query parameter the endpoint ignores keys the answer cache, so each read goes to
            // the database (a standby's, with --standby), as a dashboard's first read after a change does.
            // Each wrk run numbers its requests from 1 again: a run's own prefix keeps the warm-up's answers from being met again.
            string Fresh(string run) => headers + $"local run = {Wrk.Lua(run)}\n" + """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("id", threads)
                end
                local counter = 0
                function request()
                  counter = counter + 1
                  return wrk.format(nil, wrk.path .. "?bench=" .. run .. "-" .. id .. "-" .. counter)
                end
                """;
            await runner.RunAsync(url + path, 32, WarmUp, Fresh("warm"), _work);
            var (served, primary) = (replicas?.All.Sum(r => r.Served) ?? 0, replicas?.PrimaryReads ?? 0);
            var fromDatabase = await runner.RunAsync(url + path, 32, options.Read, Fresh("measured"), _work);
            var sources = replicas is null
                ? "every read from the primary (no standby configured)"
                : $"{replicas.All.Sum(r => r.Served) - served:N0} reads served by the standby, {replicas.PrimaryReads - primary:N0} by the primary";
            _results.Add(new ScenarioResult($"read from the database: `GET …/rollups/{{year}}?bench=…`, each a new answer, c=32{(options.Standby ? Source : ", no standby")}", Http(fromDatabase),
                $"`/health/live`: {Http(live)}", fromDatabase.PerSecond / live.PerSecond, "—", null,
                $"{sources}; PostgreSQL{(replicas is null ? "" : ", its standby")}, the API and wrk share the machine's cores") { Numbers = Numbers(fromDatabase) });
        }

        /// <summary>Indicators of a dashboard's table: issue 19's target is 20 indicators × 1,000 units.</summary>
        private const int TableIndicators = 20;

        /// <summary>Cold reads, each the first read of the table after a POST of its own.</summary>
        private const int ColdReads = 3;

        /// <summary>
        /// The root's table of <see cref="RecomputeYear"/>: the first <see cref="TableIndicators"/> summable indicators of
        /// its template for every leaf (a medium tenant's 960 communities), served from the answer cache as a dashboard
        /// polling it meets it, c=32 against <c>/health/live</c>. Then the cold read: the first read after a POST to
        /// that tenant-year, which cannot come from memory (the write moved the year's generation).
        /// </summary>
        private async Task TableAsync()
        {
            var tenant = _tenants[0];
            var template = _catalog.ForYear(RecomputeYear)!;
            var codes = template.Indicators.Where(indicator => indicator.Aggregate == AggregateKind.Sum).Take(TableIndicators).Select(indicator => indicator.Code).ToList();
            if (codes.Count < TableIndicators) throw new InvalidOperationException($"{template.Code} has only {codes.Count} summable indicators, not {TableIndicators}");
            var path = $"/api/v1/tenants/{tenant.Code}/org-units/{tenant.Code}/table/{RecomputeYear}?indicators={string.Join(',', codes)}&level=leaves";

            using var client = new HttpClient { BaseAddress = new Uri(_url), Timeout = TimeSpan.FromMinutes(2) };
            async Task<(int Rows, long Bytes, string? ETag, double Ms)> ReadTableAsync()
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Api-Key", _viewerKey } } };
                var clock = Stopwatch.StartNew();
                using var answer = await client.SendAsync(request);
                var body = await answer.Content.ReadAsByteArrayAsync();
                var ms = clock.Elapsed.TotalMilliseconds;
                if (answer.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"the table answered {(int)answer.StatusCode}: {Encoding.UTF8.GetString(body)}");
                var table = JsonDocument.Parse(body).RootElement;
                var rows = table.GetProperty("rows");
                // Every leaf reported every cell of the year: a row or a figure missing is a wrong answer, not a fast one.
                var figures = rows.EnumerateArray().Select(row => row.GetProperty("values").EnumerateArray().Count(value => value.ValueKind == JsonValueKind.Number));
                if (rows.GetArrayLength() != tenant.Reporters.Count || figures.Any(count => count != codes.Count))
                    throw new InvalidOperationException($"the table holds {rows.GetArrayLength()} rows, not {tenant.Reporters.Count} rows of {codes.Count} figures each");
                return (rows.GetArrayLength(), body.Length, answer.Headers.ETag?.Tag, ms);
            }

            // The first read fills the answer cache (and opens the connection the cold reads reuse).
            var warm = await ReadTableAsync();
            var cells = (long)warm.Rows * codes.Count;
            Setup.Add($"Table: the root's table of {RecomputeYear} ({template.Code}), {codes.Count} indicators ({string.Join(", ", codes)}) × {warm.Rows:N0} leaf rows = " +
                      $"{cells:N0} cells ({warm.Bytes:N0} bytes; {await GzipBytesAsync(client, path):N0} bytes to a client that takes gzip, as kept in memory)");
            var gate = $"{cells:N0} cells {(cells > ExpensiveReads.TableCells ? ">" : "≤")} ExpensiveReads.TableCells ({ExpensiveReads.TableCells:N0})" +
                       (cells > ExpensiveReads.TableCells
                           ? ": an expensive read, but only when read from the database; an answer from memory is sent before the gate. " +
                             "The suite runs with Aggregator:RateLimit:PermitsPerMinute = 0, which lifts every limit, the expensive-read slots " +
                             $"(ExpensiveConcurrency, default {new RateLimitOptions().ExpensiveConcurrency} per tenant) included; with the defaults the cold read takes one of those slots"
                           : ": not an expensive read");

            if (wrk is null) NoWrk("table read");
            else
            {
                var headers = $"wrk.headers[\"X-Api-Key\"] = {Wrk.Lua(_viewerKey)}\n";
                var read = await wrk.RunAsync(_url + path, 32, options.Read, headers, _work);
                var live = await wrk.RunAsync(_url + "/health/live", 32, options.Read, "", _work);
                var ratio = read.PerSecond / live.PerSecond;
                _results.Add(new ScenarioResult($"table read: `GET …/table/{{year}}?level=leaves`, {codes.Count} indicators × {warm.Rows:N0} units, c=32", Http(read),
                    $"`/health/live`: {Http(live)}", ratio, "≥ 0.1 ×", ratio >= 0.1,
                    $"answers from memory (the figures unchanged since the first read), unpacked from the gzip kept there, as wrk sends no Accept-Encoding; {gate}")
                    { Numbers = new(Numbers(read)) { ["rows"] = warm.Rows, ["cells"] = cells } });
                var asBrowser = await wrk.RunAsync(_url + path, 32, options.Read, headers + "wrk.headers[\"Accept-Encoding\"] = \"gzip, deflate, br, zstd\"\n", _work);
                _results.Add(new ScenarioResult("as a browser: the same table read, taking gzip", Http(asBrowser), $"`/health/live`: {Http(live)}",
                    asBrowser.PerSecond / live.PerSecond, "—", null, "the same reads with Accept-Encoding: gzip, deflate, br, zstd: the gzip bytes kept in memory, sent as they are")
                    { Numbers = Numbers(asBrowser) });
            }

            // Cold: each time a community's report is replaced (every cell 0, so that it differs from the generated one and
            // breaks no rule), then the table read at once. Its ETag differs from the cached answer's: it was read anew.
            var cold = new List<double>();
            var values = template.Indicators.ToDictionary(indicator => indicator.Code, _ => (decimal?)0m);
            for (var round = 0; round < Math.Min(ColdReads, tenant.Reporters.Count); round++)
            {
                if (!await WaitFreshAsync(tenant.Id, RecomputeYear, TimeSpan.FromMinutes(2)))
                    throw new TimeoutException($"the rollup of {RecomputeYear} did not catch up within 2 minutes");
                var unit = tenant.Reporters[round];
                using (var post = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{tenant.Code}/org-units/{unit.Code}/reports/{RecomputeYear}/versions")
                       {
                           Content = JsonContent.Create(new { template = template.Code, values }),
                           Headers = { { "X-Api-Key", _adminKey } },
                       })
                using (var stored = await client.SendAsync(post))
                {
                    if (stored.StatusCode != HttpStatusCode.Created)
                        throw new InvalidOperationException($"the POST before a cold read answered {(int)stored.StatusCode}: {await stored.Content.ReadAsStringAsync()}");
                }
                var read = await ReadTableAsync();
                if (read.ETag == warm.ETag) throw new InvalidOperationException($"the read after a POST kept the ETag {warm.ETag}: it was not a cold read");
                cold.Add(read.Ms);
            }
            await WaitFreshAsync(tenant.Id, RecomputeYear, TimeSpan.FromMinutes(2)); // the POSTs' rollups done before the next scenario
            _results.Add(new ScenarioResult($"table cold read: the same table, first read after a POST to {RecomputeYear}",
                $"{Median(cold):F0} ms (median of {cold.Count}: {string.Join(", ", cold.Select(ms => $"{ms:F0}"))} ms)", "—", null, "—", null,
                $"one client, sequential, each read right after the POST's 201 (its rollup job may run meanwhile), from the database; {gate}")
            {
                Numbers = { ["coldReads"] = cold.Count, ["coldMs"] = Median(cold), ["rows"] = warm.Rows },
            });
        }

        private const string CloseBody = "}}";

        private const string InProcessNote = "VmHWM of the process that hosts the API (reset before the scenario); the driver shares it, wrk does not";

        private async Task IngestAsync()
        {
            var tenant = _tenants[0];
            var years = tenant.Years.Where(year => _catalog.ForYear(year)?.Code == SeedReport.Template).ToList();
            if (years.Count == 0) throw new InvalidOperationException("the ingest scenario needs a bj-gip-2017 year (2017) among the generated years");
            var before = await CountAsync("SELECT count(*) FROM report_versions WHERE tenant_id = $1 AND version > 1", tenant.Id);

            var values = SeedReport.Values.Where(pair => pair.Key != "9.3").ToDictionary(pair => pair.Key, pair => pair.Value);
            var json = JsonSerializer.Serialize(new { template = SeedReport.Template, values });
            var paths = tenant.Reporters.SelectMany(unit => years.Select(year => $"/api/v1/tenants/{tenant.Code}/org-units/{unit.Code}/reports/{year}/versions"));
            // Every request a new version: 9.3 (people trained) carries the thread and request number, and its own Idempotency-Key.
            var script = $$"""
                local paths = { {{string.Join(",\n", paths.Select(Wrk.Lua))}} }
                local key = {{Wrk.Lua(_adminKey)}}
                local prefix = {{Wrk.Lua(json[..^2] + ",\"9.3\":")}}
                local suffix = {{Wrk.Lua(CloseBody)}}
                local tag = "@tag@"
                local base = @base@
                local threads = 0
                local n = 0
                setup = function(thread) threads = threads + 1; thread:set("me", threads) end
                request = function()
                  n = n + 1
                  local path = paths[(n * 7 + me) % #paths + 1]
                  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["X-Api-Key"] = key,
                    ["Idempotency-Key"] = tag .. "-" .. me .. "-" .. n }, prefix .. (base + me * 1000000 + n) .. suffix)
                end
                """;
            if (wrk is null) { NoWrk("ingest"); return; }
            // Warm-up, not measured, as the bare loop below has its own: the write path compiled to its final tier, as in a
            // service that has been up a minute (WarmUpWritesAsync; what the cold rounds did goes into the note).
            // A tag of each run's own in the Idempotency-Keys and bodies, so that no request of the measured run replays one of the warm-up's.
            var runs = 0;
            string Tagged(string script) => script.Replace("@tag@", Guid.NewGuid().ToString("N"), StringComparison.Ordinal)
                .Replace("@base@", (++runs * 1_000_000_000L).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var warmUp = await WarmUpWritesAsync(() => Tagged(script));
            before = await CountAsync("SELECT count(*) FROM report_versions WHERE tenant_id = $1 AND version > 1", tenant.Id);
            ResetPeak();
            using var sampler = new MemorySampler();
            var collector = CollectorCounts.Now();
            var api = await wrk.RunAsync(_url + "/", 16, options.Ingest, Tagged(script), _work);
            var peak = PeakMegabytes();
            var composition = $"{MemoryComposition()}; {sampler.AtPeak()}; {CollectorCounts.Now().Since(collector, api.Requests)}";
            var written = await CountAsync("SELECT count(*) FROM report_versions WHERE tenant_id = $1 AND version > 1", tenant.Id) - before;

            var bare = new BareNpgsqlRun(load.Postgres.AppConnectionString, tenant.Code, tenant.Reporters.Select(unit => unit.Code).ToList(), SeedReport.Values.ToDictionary());
            await bare.PrepareAsync();
            await bare.RunAsync(TimeSpan.FromSeconds(1), 16);
            var sql = await bare.RunAsync(options.Ingest, 16);
            var ratio = api.PerSecond / sql.PerSecond;
            _results.Add(new ScenarioResult($"ingest: full `{SeedReport.Template}` POSTs, c=16, {options.Ingest.TotalSeconds:F0} s",
                Http(api) + $"; {written:N0} versions stored",
                $"bare Npgsql loop (same rows, version, idempotency record, audit): {sql.PerSecond:N0} reports/s, p99 {sql.Percentile(99):F1} ms, {sql.Failures} failures",
                ratio, "≥ 0.6 ×, p99 ≤ 100 ms", ratio >= 0.6 && api.P99Ms <= 100, warmUp)
            {
                Numbers = new(Numbers(api)) { ["rowsWritten"] = written, ["rowsExpected"] = api.Requests - api.Non2xx, ["baselineRequests"] = sql.Count },
            });
            _results.Add(new ScenarioResult("memory: API peak RSS during ingest", $"{peak:N0} MB", "—", null, "≤ 300 MB", peak <= 300,
                $"{InProcessNote}; {composition}"));
        }

        /// <summary>
        /// Writes in rounds until the JIT has settled (or <see cref="IngestWarmUpLimit"/>), and says what each round did:
        /// a cold process's first minute of writes is slower than its steady state, and the note shows by how much.
        /// </summary>
        private async Task<string> WarmUpWritesAsync(Func<string> script)
        {
            var rounds = new List<string>();
            var started = Stopwatch.StartNew();
            var settled = false;
            while (!settled && started.Elapsed < IngestWarmUpLimit)
            {
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                var round = await wrk!.RunAsync(_url + "/", 16, IngestWarmUpRound < IngestWarmUpLimit ? IngestWarmUpRound : IngestWarmUpLimit, script(), _work);
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
                settled = compiled < SettledMethodsPerSecond * round.Seconds;
                rounds.Add($"{round.PerSecond:N0} req/s ({compiled:N0} methods compiled)");
            }
            return $"measured after a warm-up of {started.Elapsed.TotalSeconds:F0} s of the same writes, in rounds of " +
                   $"{IngestWarmUpRound.TotalSeconds:F0} s until the JIT has settled (a round compiling fewer than {SettledMethodsPerSecond} methods a second" +
                   $"{(settled ? "" : "; not reached within the limit")}): {string.Join(", ", rounds)}";
        }

        private async Task FreshnessAsync()
        {
            var tenant = _tenants[0];
            var year = tenant.Years.First(y => _catalog.ForYear(y)?.Code == SeedReport.Template);
            await WaitFreshAsync(tenant.Id, year, TimeSpan.FromMinutes(5)); // the ingest's backlog first
            var runsBefore = await CountAsync("SELECT coalesce(max(runs), 0) FROM rollup_state WHERE tenant_id = $1 AND year = $2", tenant.Id, year);

            using var client = new HttpClient { BaseAddress = new Uri(_url), Timeout = TimeSpan.FromMinutes(2) };
            var values = SeedReport.Values.ToDictionary();
            var failures = 0;
            var burst = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, options.FreshnessPosts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (post, ct) =>
            {
                var unit = tenant.Reporters[post % tenant.Reporters.Count];
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{tenant.Code}/org-units/{unit.Code}/reports/{year}/versions")
                {
                    Content = JsonContent.Create(new { template = SeedReport.Template, values = new Dictionary<string, decimal?>(values) { ["9.3"] = 5_000_000 + post } }),
                    Headers = { { "X-Api-Key", _adminKey } },
                };
                using var response = await client.SendAsync(request, ct);
                if (response.StatusCode != HttpStatusCode.Created) Interlocked.Increment(ref failures);
            });
            var stored = burst.Elapsed;
            var fresh = await WaitFreshAsync(tenant.Id, year, TimeSpan.FromMinutes(2));
            var afterLast = burst.Elapsed - stored;
            var runs = await CountAsync("SELECT coalesce(max(runs), 0) FROM rollup_state WHERE tenant_id = $1 AND year = $2", tenant.Id, year) - runsBefore;
            var timeline = await JobTimelineAsync(DateTime.UtcNow - burst.Elapsed, stored);
            _results.Add(new ScenarioResult($"freshness: {options.FreshnessPosts} reports in a burst (c=16)",
                fresh ? $"rollup holds them all {afterLast.TotalSeconds:F2} s after the last 201 ({burst.Elapsed.TotalSeconds:F2} s after the first POST); {runs} job runs"
                      : "rollup did not catch up within 2 minutes",
                "—", null, "≤ 3 s, ≤ 10 job runs", fresh && afterLast.TotalSeconds <= 3 && runs <= 10,
                $"burst sent in {stored.TotalSeconds:F2} s; {failures} POSTs not 201; time counted from the last 201. Jobs (seconds after the first POST): {timeline}")
            {
                Numbers = { ["requests"] = options.FreshnessPosts, ["non2xx"] = failures, ["runs"] = runs, ["fresh"] = fresh ? 1 : 0 },
            });
        }

        /// <summary>
        /// Each Hangfire job created since the burst began: its queue, when it was created, began and ended
        /// (seconds after the first POST) and how it ended, so a slow freshness shows where the time went.
        /// </summary>
        private async Task<string> JobTimelineAsync(DateTime burstStartUtc, TimeSpan sent)
        {
            await using var command = Superuser.CreateCommand("""
                SELECT j.id, j.createdat,
                       (SELECT min(s.createdat) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing'),
                       (SELECT max(s.createdat) FROM hangfire.state s WHERE s.jobid = j.id AND s.name IN ('Succeeded', 'Failed', 'Scheduled')),
                       j.statename,
                       (SELECT count(*) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing'),
                       (SELECT s.data ->> 'Queue' FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Enqueued' ORDER BY s.id LIMIT 1)
                FROM hangfire.job j WHERE j.createdat >= $1 ORDER BY j.id
                """);
            command.Parameters.AddWithValue(DateTime.SpecifyKind(burstStartUtc, DateTimeKind.Unspecified));
            var parts = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            string At(int column) => reader.IsDBNull(column) ? "–" : $"{(reader.GetDateTime(column) - burstStartUtc).TotalSeconds:F2}";
            while (await reader.ReadAsync())
                parts.Add($"#{reader.GetInt64(0)} {(reader.IsDBNull(6) ? "?" : reader.GetString(6))} created {At(1)}, began {At(2)}, ended {At(3)} {reader.GetString(4)}" +
                          (reader.GetInt64(5) > 1 ? $" after {reader.GetInt64(5)} attempts" : ""));
            return parts.Count == 0 ? "none" : $"burst sent by {sent.TotalSeconds:F2}; " + string.Join("; ", parts);
        }

        private async Task<bool> WaitFreshAsync(Guid tenantId, int year, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                var fresh = await CountAsync("""
                    SELECT count(*) FROM rollup_state s
                    WHERE s.tenant_id = $1 AND s.year = $2 AND s.computed_at IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM figure_changes f WHERE f.tenant_id = s.tenant_id AND f.year = s.year)
                      AND s.watermark >= (SELECT max(seq) FROM report_versions v WHERE v.tenant_id = $1 AND v.year = $2)
                    """, tenantId, year);
                if (fresh == 1) return true;
                await Task.Delay(10);
            }
            return false;
        }

        // ---- recompute scenarios ---------------------------------------------------------------------------------

        private async Task RecomputeAsync(RollupJob job)
        {
            var tenant = _tenants[0];
            var (jobMs, bareMs, rows, bareRows) = await RecomputePairAsync(job, tenant.Id, options.RecomputeRuns);
            var values = await CountAsync("SELECT count(*) FROM report_values WHERE tenant_id = $1 AND year = $2", tenant.Id, RecomputeYear);
            _results.Add(new ScenarioResult($"recompute one tenant-year: {options.Units:N0} units × cn-gip-2021 ({values:N0} values)",
                $"{jobMs:F0} ms (RollupJob, median of {options.RecomputeRuns})", $"bare `INSERT … SELECT … GROUP BY`: {bareMs:F0} ms", jobMs / bareMs, "≤ 1.5 ×", jobMs / bareMs <= 1.5,
                $"{rows:N0} rollup rows stored by the job, {bareRows:N0} by the bare statement")
            {
                Numbers = { ["rowsWritten"] = bareRows, ["rowsExpected"] = rows, ["values"] = values },
            });
        }

        private async Task SweepAsync(RollupJob job)
        {
            double jobMs = 0, bareMs = 0;
            foreach (var tenant in _tenants)
            {
                var (j, b, _, _) = await RecomputePairAsync(job, tenant.Id, runs: 1);
                jobMs += j;
                bareMs += b;
            }
            _results.Add(new ScenarioResult($"sweep: {RecomputeYear} of all {_tenants.Count} tenants", $"{jobMs:F0} ms", $"bare statement × {_tenants.Count}: {bareMs:F0} ms",
                jobMs / bareMs, "≤ 1.5 ×", jobMs / bareMs <= 1.5));
        }

        private async Task GrowthAsync(RollupJob job)
        {
            var generator = new DataGenerator(_superuser, _catalog, options.Seed);
            var cells = _catalog.ForYear(RecomputeYear)!.Indicators.Count;
            var points = new List<(long Values, double Ms, double BareMs)>();
            string? failed = null;
            foreach (var target in options.Growth)
            {
                var reporters = (int)Math.Ceiling(target / (double)cells);
                var units = reporters + 1;
                while (units - 1 - Math.Max(1, (units - 1) / 25) < reporters) units++;
                var tenant = await generator.TenantAsync($"bench-g{target}", units, [RecomputeYear], 100 + points.Count);
                await generator.FinishAsync();
                var values = await CountAsync("SELECT count(*) FROM report_values WHERE tenant_id = $1 AND year = $2", tenant.Id, RecomputeYear);
                try
                {
                    var (jobMs, bareMs, _, _) = await RecomputePairAsync(job, tenant.Id, target >= 5_000_000 ? 1 : options.RecomputeRuns);
                    points.Add((values, jobMs, bareMs));
                    log.WriteLine($"  {values:N0} values: {jobMs:F0} ms (bare {bareMs:F0} ms)");
                }
                catch (NpgsqlException ex)
                {
                    // The job runs with the API's command timeout; past it, larger sizes cannot do better.
                    failed = $"{values:N0} values: the job failed ({ex.Message}{(ex.InnerException is { } inner ? ": " + inner.Message : "")})";
                    log.WriteLine($"  {failed}");
                    break;
                }
            }
            // Slope of log(time) over log(values): 1 is linear.
            var slope = points.Count >= 2 ? Slope(points.Select(p => (Math.Log(p.Values), Math.Log(p.Ms))).ToList()) : double.NaN;
            var figure = string.Join("; ", points.Select(p => $"{p.Values:N0} values: {p.Ms:F0} ms = {p.Ms * 1000 / p.Values:F2} µs/value (bare {p.BareMs:F0} ms)")
                                               .Append(failed ?? "").Where(part => part.Length > 0));
            _results.Add(new ScenarioResult($"growth: recompute at {string.Join(", ", options.Growth.Select(g => g.ToString("N0")))} values", figure,
                "—", null, "no worse than linear (log-log slope ≤ 1.1)", failed is null && slope <= 1.1,
                $"log-log slope of the sizes that finished: {slope:F2}")
            {
                Numbers = { ["slope"] = slope, ["points"] = points.Count },
            });
        }

        private static double Slope(IReadOnlyList<(double X, double Y)> points)
        {
            var mx = points.Average(p => p.X);
            var my = points.Average(p => p.Y);
            return points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        }

        /// <summary>Median of the job's forced recompute and of the bare statement writing the same rows (after one warm-up of each).</summary>
        private async Task<(double JobMs, double BareMs, long JobRows, long BareRows)> RecomputePairAsync(RollupJob job, Guid tenantId, int runs)
        {
            var jobTimes = new List<double>();
            var bareTimes = new List<double>();
            long bareRows = 0;
            for (var run = -1; run < runs; run++)
            {
                var clock = Stopwatch.StartNew();
                await job.ExecuteAsync(tenantId, RecomputeYear, force: true, CancellationToken.None);
                if (run >= 0) jobTimes.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                bareRows = await BareRollupAsync(tenantId, RecomputeYear);
                if (run >= 0) bareTimes.Add(clock.Elapsed.TotalMilliseconds);
            }
            var jobRows = await CountAsync("SELECT count(*) FROM rollup_values WHERE tenant_id = $1 AND year = $2", tenantId, RecomputeYear);
            return (Median(jobTimes), Median(bareTimes), jobRows, bareRows);
        }

        /// <summary>
        /// The rollup rows (Σ and count of non-null values per unit with descendants and indicator, as the job stores) written by one
        /// statement as the app role in the tenant's scope, into a table shaped like rollup_values; then committed.
        /// </summary>
        private async Task<long> BareRollupAsync(Guid tenantId, int year)
        {
            await using var connection = await _app.OpenConnectionAsync();
            await using (var table = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS bare_rollup_values (LIKE rollup_values INCLUDING ALL)", connection))
                await table.ExecuteNonQueryAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var write = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT set_config('app.tenant_id', $1::text, true)") { Parameters = { new() { Value = tenantId } } },
                    new NpgsqlBatchCommand("DELETE FROM bare_rollup_values"),
                    new NpgsqlBatchCommand("""
                        INSERT INTO bare_rollup_values (tenant_id, year, org_unit_id, indicator, value, reporters)
                        SELECT $1, $2, a.id, v.indicator, sum(v.value), count(v.value)
                        FROM report_values v
                        JOIN org_units o ON o.tenant_id = v.tenant_id AND o.org_unit_id = v.org_unit_id
                        CROSS JOIN LATERAL unnest(string_to_array(ltree2text(o.path), '.')::bigint[]) AS a(id)
                        WHERE v.tenant_id = $1 AND v.year = $2
                          AND a.id IN (SELECT c.parent_id FROM org_units c WHERE c.tenant_id = $1)
                        GROUP BY a.id, v.indicator
                        """) { Parameters = { new() { Value = tenantId }, new() { Value = year } } },
                },
                Timeout = 0,
            };
            await write.ExecuteNonQueryAsync();
            var rows = write.BatchCommands[2].RecordsAffected;
            await transaction.CommitAsync();
            return rows;
        }

        // ---- helpers -----------------------------------------------------------------------------------------------

        private void NoWrk(string scenario) =>
            _results.Add(new ScenarioResult(scenario, "skipped: wrk not found", "—", null, "—", null, Wrk.Missing) { Numbers = { ["skipped"] = 1 } });

        private static string Http(WrkResult result) =>
            $"{result.PerSecond:N0} req/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms ({result.Requests:N0} requests, {result.Non2xx} ≥ 400, {result.SocketErrors} socket errors)";

        private static Dictionary<string, double> Numbers(WrkResult result) =>
            new() { ["requests"] = result.Requests, ["non2xx"] = result.Non2xx, ["socketErrors"] = result.SocketErrors };

        /// <summary>The size of an answer to a client that takes gzip (what the answer cache keeps of it).</summary>
        private async Task<long> GzipBytesAsync(HttpClient client, string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Api-Key", _viewerKey }, { "Accept-Encoding", "gzip" } } };
            using var answer = await client.SendAsync(request);
            answer.EnsureSuccessStatusCode();
            return (await answer.Content.ReadAsByteArrayAsync()).Length;
        }

        private async Task<long> CountAsync(string sql, params object[] parameters)
        {
            await using var command = Superuser.CreateCommand(sql);
            foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }

        private static double Median(List<double> times) => times.Order().ElementAt(times.Count / 2);

        /// <summary>Peak RSS back to the current RSS (Linux: 5 → /proc/self/clear_refs).</summary>
        private static void ResetPeak()
        {
            GC.Collect();
            try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Where the process's resident memory is, for the memory rows' notes: the GC heap (committed, and in use after the
        /// last collection), the executable memory the runtime maps twice for W^X (double-mapped JIT code and stubs,
        /// counted twice in RSS), and the rest (native heaps, libraries, stacks).
        /// </summary>
        private static string MemoryComposition()
        {
            var info = GC.GetGCMemoryInfo();
            double rss = 0, doubleMapped = 0;
            string? mapping = null;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-')) mapping = line;
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
                    rss += kb;
                    if (mapping?.Contains("doublemapper", StringComparison.Ordinal) == true) doubleMapped += kb;
                }
            }
            return $"at the scenario's end: RSS {rss:N0} MB = GC heap {info.TotalCommittedBytes / 1048576.0:N0} MB committed ({info.HeapSizeBytes / 1048576.0:N0} MB in use " +
                   $"after the last collection, {info.FragmentedBytes / 1048576.0:N0} MB of it free space) + {doubleMapped:N0} MB double-mapped executable memory (W^X) + " +
                   $"{rss - info.TotalCommittedBytes / 1048576.0 - doubleMapped:N0} MB other";
        }

        /// <summary>
        /// Samples the process's resident memory every 100 ms and keeps the sample of the highest RSS: what it was made of at
        /// (about) the peak: anonymous memory (the GC heap and native heaps), file-backed (assemblies, libraries) and
        /// shared (the W^X double mapping), and the managed heap's size then (live and not yet collected).
        /// </summary>
        private sealed class MemorySampler : IDisposable
        {
            private readonly Timer _timer;
            private readonly Lock _gate = new();
            private readonly Stopwatch _since = Stopwatch.StartNew();
            private (double Rss, double Anon, double File, double Shmem, double Managed, double Threads, double Committed, double At) _peak;
            private double _first = double.NaN;

            public MemorySampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

            private void Sample()
            {
                var status = File.ReadAllLines("/proc/self/status");
                double Megabytes(string field) => StatusNumber(status, field) / 1024.0;
                var sample = (Megabytes("VmRSS:"), Megabytes("RssAnon:"), Megabytes("RssFile:"), Megabytes("RssShmem:"),
                    GC.GetTotalMemory(false) / 1048576.0, (double)StatusNumber(status, "Threads:"), GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0,
                    _since.Elapsed.TotalSeconds);
                lock (_gate)
                {
                    if (double.IsNaN(_first)) _first = sample.Item1;
                    if (sample.Item1 > _peak.Rss) _peak = sample;
                }
            }

            public string AtPeak()
            {
                lock (_gate)
                    return $"at the highest RSS sampled (every 100 ms, {_peak.At:F1} s into the scenario, which began at {_first:N0} MB): {_peak.Rss:N0} MB = {_peak.Anon:N0} MB anonymous (the managed heap then: " +
                           $"{_peak.Managed:N0} MB allocated, live or not yet collected; {_peak.Committed:N0} MB committed at the last collection; {_peak.Threads:N0} threads) + " +
                           $"{_peak.File:N0} MB file-backed + {_peak.Shmem:N0} MB shared (W^X)";
            }

            public void Dispose() => _timer.Dispose();
        }

        /// <summary>
        /// What the process allocated and how often the GC collected, from one moment to another: the ingest's memory row
        /// says how much each request allocated (the API's write path, the rollup jobs it set off, and this driver's little).
        /// </summary>
        private sealed record CollectorCounts(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
        {
            public static CollectorCounts Now() =>
                new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

            public string Since(CollectorCounts before, long requests) =>
                $"allocated {(Allocated - before.Allocated) / 1048576.0:N0} MB = {(Allocated - before.Allocated) / 1024.0 / Math.Max(1, requests):N0} kB a request; " +
                $"{Gen0 - before.Gen0:N0} collections ({Gen1 - before.Gen1:N0} of gen 1 or 2, {Gen2 - before.Gen2:N0} of gen 2), paused {(Paused - before.Paused).TotalMilliseconds:N0} ms";
        }

        /// <summary>The number of one field of /proc/self/status (kB for the memory fields), 0 where the field is missing.</summary>
        private static long StatusNumber(IEnumerable<string> status, string field) =>
            status.Where(line => line.StartsWith(field, StringComparison.Ordinal))
                .Select(line => long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1])).FirstOrDefault();

        private static double PeakMegabytes() =>
            File.Exists("/proc/self/status")
                ? StatusNumber(File.ReadLines("/proc/self/status"), "VmHWM:") / 1024.0
                : Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;

        /// <summary>The throwaway cluster's superuser (its password is in the data folder's credentials.json): COPY FROM needs it under forced RLS.</summary>
        private static string SuperuserConnectionString(LoadApi load)
        {
            var credentials = JsonDocument.Parse(File.ReadAllText(Path.Combine(load.DataDirectory, "credentials.json"))).RootElement;
            var password = credentials.EnumerateObject().First(p => p.Name.Equals("superuser", StringComparison.OrdinalIgnoreCase)).Value.GetString();
            return new NpgsqlConnectionStringBuilder(load.Postgres.OwnerConnectionString) { Username = "postgres", Password = password, CommandTimeout = 0 }.ConnectionString;
        }
    }
}
