using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Limits;

/// <summary>A second API host over the fixture's database with settings of its own (a rate limit, CORS origins); no job server.</summary>
public static class LimitsHost
{
    public static ApiFactory Start(ApiFixture api, IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = api.Postgres.AppConnectionString,
            ["Aggregator:BootstrapAdminKey"] = ApiFixture.AdminKey,
            ["Aggregator:Jobs:RunServer"] = "false",
        };
        foreach (var (key, value) in settings) all[key] = value;
        var factory = new ApiFactory(all);
        factory.StartServer();
        return factory;
    }

    public static HttpClient Client(this ApiFactory factory, string? apiKey)
    {
        var client = factory.CreateClient();
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }
}
