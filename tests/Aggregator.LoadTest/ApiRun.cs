using System.Net;
using System.Text;

namespace Aggregator.LoadTest;

/// <summary>
/// POSTs full reports through HTTP; each worker writes its own units, round robin. Every body differs (a
/// report identical to the current version stores nothing and would measure a different path). All to 2017, or, with
/// LOAD_YEARS=spread in the environment, each worker to one of 2008–2017: the versions of one tenant and year serialise
/// on that year's rollup_state row from its dirty mark to their commit, and spreading the years shows how much.
/// </summary>
internal sealed class ApiRun(HttpClient client, string tenant, IReadOnlyList<(string Code, string Key)> units, Func<long, string> bodyFor)
{
    private static readonly bool SpreadYears = Environment.GetEnvironmentVariable("LOAD_YEARS") == "spread";
    private long _sent;

    public Task<RunResult> RunAsync(TimeSpan duration, int concurrency) =>
        RunResult.MeasureAsync(duration, concurrency, async (worker, round) =>
        {
            var (code, key) = units[(int)((worker + round * concurrency) % units.Count)];
            var year = SpreadYears ? 2008 + worker % 10 : 2017;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{tenant}/org-units/{code}/reports/{year}/versions")
            {
                Content = new StringContent(bodyFor(Interlocked.Increment(ref _sent)), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", key);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Created;
        });
}
