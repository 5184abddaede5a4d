using System.Net.Http.Headers;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Faults;

/// <summary>The API and the worker as processes of their own over a test's cluster, as an operator runs several.</summary>
public static class Processes
{
    /// <summary>A worker over the fixture's database; a killed worker's job is taken again after <paramref name="invisibility"/>.</summary>
    public static async Task<AppProcess> StartWorkerAsync(ApiFixture api, TimeSpan invisibility)
    {
        var worker = AppProcess.Start(AppProcess.WorkerAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = api.Postgres.AppConnectionString,
            ["Aggregator__Jobs__InvisibilityTimeout"] = invisibility.ToString("c"),
            // The sweep would hide a lost rollup: these tests must see the job itself come back.
            ["Aggregator__Jobs__SweepCron"] = "0 0 31 2 *",
        });
        await worker.ReadyAsync();
        return worker;
    }

    /// <summary>An API replica without a Hangfire server, on a port of its own; returns it and its address.</summary>
    public static async Task<(AppProcess Process, Uri Address)> StartApiAsync(ApiFixture api)
    {
        var process = AppProcess.Start(AppProcess.ApiAssembly, new Dictionary<string, string>
        {
            ["ConnectionStrings__Aggregator"] = api.Postgres.AppConnectionString,
            ["Aggregator__BootstrapAdminKey"] = ApiFixture.AdminKey,
            ["Aggregator__Jobs__RunServer"] = "false",
            // The replicas carry the load of many clients on one key.
            ["Aggregator__RateLimit__PermitsPerMinute"] = "0",
        }, "--urls", "http://127.0.0.1:0");
        return (process, await process.ListeningAsync());
    }

    public static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}
