using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Imports;

/// <summary>Builds import files line by line and sends them; follows the import's job to its summary.</summary>
public sealed class ImportCsv
{
    private readonly List<string> _lines = [];

    public ImportCsv(string header = "org,year,template,indicator,value,reportedAt") => _lines.Add(header);

    /// <summary>The next line's number (the header is line 1).</summary>
    public int NextLine => _lines.Count + 1;

    public ImportCsv Line(string line)
    {
        _lines.Add(line);
        return this;
    }

    /// <summary>One row per value of the seed (or of <paramref name="values"/>); <paramref name="change"/> rewrites single cells.</summary>
    public ImportCsv Report(string org, int year, string template = "", string reportedAt = "",
        IEnumerable<KeyValuePair<string, decimal?>>? values = null, Func<string, string?, string?>? change = null)
    {
        foreach (var (code, value) in values ?? SeedReport.Values)
        {
            var text = value?.ToString(CultureInfo.InvariantCulture) ?? "";
            if (change is not null) text = change(code, text) ?? text;
            _lines.Add($"{org},{year},{template},{code},{text},{reportedAt}");
        }
        return this;
    }

    public string Text(string newline = "\n") => string.Join(newline, _lines) + newline;

    public byte[] Bytes(bool bom = false, string newline = "\n") =>
        [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(Text(newline))];

    public static string Path(string tenant, bool dryRun = false) => $"/api/v1/tenants/{tenant}/imports{(dryRun ? "?dryRun=true" : "")}";

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string tenant, byte[] file, bool dryRun = false, string fileName = "past-years.csv")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(tenant, dryRun))
        {
            Content = new MultipartFormDataContent { { content, "file", fileName } },
        };
        // A body over the limit is answered 413 before it is read: with 100-continue the client reads that answer.
        request.Headers.ExpectContinue = true;
        return await client.SendAsync(request);
    }

    /// <summary>Sends the file, expects 202, and waits for the job's summary (its <c>result</c>).</summary>
    public static async Task<JsonElement> ImportAsync(HttpClient client, string tenant, byte[] file, bool dryRun = false)
    {
        var response = await SendAsync(client, tenant, file, dryRun);
        await response.ShouldHaveStatus(HttpStatusCode.Accepted);
        var job = await WaitAsync(client, response.Headers.Location!.OriginalString);
        Assert.Equal("import", job.GetProperty("kind").GetString());
        return job.GetProperty("result");
    }

    /// <summary>Polls the job until it has finished; fails on Failed.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, string location, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(location);
            var state = job.GetProperty("state").GetString();
            if (state == "Succeeded") return job;
            if (state == "Failed") Assert.Fail($"The import job failed: {job}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"The import job did not finish in time: {job}");
            await Task.Delay(50);
        }
    }

    public static (int Stored, int Unchanged, int Rejected) Counts(JsonElement summary)
    {
        var reports = summary.GetProperty("reports");
        return (reports.GetProperty("stored").GetInt32(), reports.GetProperty("unchanged").GetInt32(), reports.GetProperty("rejected").GetInt32());
    }
}
