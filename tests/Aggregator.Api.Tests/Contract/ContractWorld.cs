using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Api.Tests.Rollups;

namespace Aggregator.Api.Tests.Contract;

/// <summary>
/// One request of the contract test, before it is sent: the key, the route values that fill the
/// operation's path template, a query string, a body (made anew for each send), extra headers.
/// </summary>
public sealed record Call(string? Key, IReadOnlyDictionary<string, string> Route, string Query = "",
    Func<HttpContent>? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public Call WithRoute(string name, string value) => this with { Route = new Dictionary<string, string>(Route) { [name] = value } };

    public Call WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers ?? new Dictionary<string, string>()) { [name] = value } };
}

/// <summary>
/// What the contract test works on: a district (root, sub-districts A and B) with a key of every role,
/// A's seed report for 2016 and 2017 in two versions, B's for 2017, computed figures, a queued job.
/// </summary>
public sealed class ContractWorld
{
    public const int Year = SeedReport.Year;
    public const string Template = SeedReport.Template;

    private ContractWorld(ApiFixture api, District district, Guid tenantId, string victimKeyId, string reporterKeyId, string jobId)
    {
        Api = api;
        District = district;
        TenantId = tenantId;
        VictimKeyId = victimKeyId;
        ReporterKeyId = reporterKeyId;
        JobId = jobId;
    }

    public ApiFixture Api { get; }
    public District District { get; }
    public Guid TenantId { get; }
    public string Tenant => District.Tenant;
    public string Root => District.Tenant;
    public string UnitA => District.SubDistrictA;
    /// <summary>Units whose 2017 versions wait for review (the tenant requires it once the world is built):
    /// <see cref="ToAccept"/> v1 and <see cref="ToReturn"/> v1 submitted; <see cref="Superseded"/> v1 and v2 submitted.</summary>
    public string ToAccept { get; private init; } = "";
    public string ToReturn { get; private init; } = "";
    public string Superseded { get; private init; } = "";
    /// <summary>A key that exists only to be revoked.</summary>
    public string VictimKeyId { get; }
    /// <summary>The id of the reporter@a key, as the idempotency lock names it.</summary>
    public string ReporterKeyId { get; }
    public string JobId { get; }
    /// <summary>The city the district reports to (review off there), its unit for the district, and that unit's reporter key: the district's upstream link.
    /// The district handed 2016 up (B missing: allowIncomplete) once.</summary>
    public string UpstreamCity { get; private init; } = "";
    public string UpstreamUnit { get; private init; } = "";
    public string UpstreamKey { get; private init; } = "";

    /// <summary>The body of the district's upstream link.</summary>
    public object UpstreamLink => new { url = (string?)null, tenant = UpstreamCity, orgUnit = UpstreamUnit, key = UpstreamKey };

    public string Key(string roleAtLevel) => District.Keys[roleAtLevel];
    public string TenantAdmin => Key("tenant-admin@root");
    public string Reporter => Key("reporter@a");
    public string Viewer => Key("viewer@root");
    public string Reviewer => Key("reviewer@root");

    /// <summary>Every key a 403 could be asked of: each role of the tenant, at its root and at a sub-district.</summary>
    public IEnumerable<string> RoleKeys => District.Keys.Values;

    public IReadOnlyDictionary<string, string> Route(string? org = null, int year = Year) => new Dictionary<string, string>
    {
        ["tenant"] = Tenant,
        ["org"] = org ?? UnitA,
        ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["v"] = "2",
        ["code"] = Template,
        ["id"] = JobId,
    };

    public static async Task<ContractWorld> CreateAsync(ApiFixture api)
    {
        var data = new TestData(api);
        var rows = new ReportRows(api);
        var district = await data.DistrictAsync();
        var tenantId = await rows.TenantIdAsync(district.Tenant);
        var (victimKeyId, _) = await data.KeyAsync(district.Tenant, district.SubDistrictA, "viewer");
        var reporterKeyId = await KeyIdAsync(api, district, "reporter", district.SubDistrictA);

        var reporter = api.Client(district.Keys["reporter@a"]);
        foreach (var (org, year, report) in new[]
                 {
                     (district.SubDistrictA, 2016, TestData.ReportFor()),
                     (district.SubDistrictA, Year, TestData.ReportFor()),
                     (district.SubDistrictA, Year, TestData.ReportFor().With("7", 1)),
                     (district.SubDistrictB, Year, TestData.ReportFor()),
                 })
        {
            var client = org == district.SubDistrictA ? reporter : api.Client(district.Keys["tenant-admin@root"]);
            await (await TestData.PostReportAsync(client, district.Tenant, org, report, year)).ShouldHaveStatus(HttpStatusCode.Created);
        }
        await rows.WaitForFiguresAsync(tenantId, 2016);
        await rows.WaitForFiguresAsync(tenantId, Year);

        var recompute = await api.Client(district.Keys["reviewer@root"])
            .PostAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/rollups/{Year}/recompute", null);
        await recompute.ShouldHaveStatus(HttpStatusCode.Accepted);
        var jobId = recompute.Headers.Location!.ToString().Split('/')[^1];
        await rows.WaitForFiguresAsync(tenantId, Year);

        // The city above the district, linked; 2016 handed up once (only A reported it) and its job finished.
        var admin = api.Client(district.Keys["tenant-admin@root"]);
        var city = await data.TenantAsync("北京市");
        var cityUnit = await data.OrgUnitAsync(city, name: "西城区", kind: "district");
        var (_, cityKey) = await data.KeyAsync(city, cityUnit, "reporter");
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/upstream",
            new { url = (string?)null, tenant = city, orgUnit = cityUnit, key = cityKey })).ShouldHaveStatus(HttpStatusCode.OK);
        var handUp = await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/upstream/2016/submissions",
            new { allowIncomplete = true, reason = "广安门内街道未报" });
        await handUp.ShouldHaveStatus(HttpStatusCode.Accepted);
        var handUpJob = (await handUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(50))
        {
            var state = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{handUpJob}")).GetProperty("state").GetString();
            if (state == "Succeeded") break;
            if (state is "Failed" or "Deleted" || DateTime.UtcNow > deadline) throw new InvalidOperationException($"The world's hand-up ended {state}.");
        }

        // 2016 published once (edition 1), for the public reads.
        await (await admin.PostAsJsonAsync($"/api/v1/tenants/{district.Tenant}/publications", new { year = 2016, orgUnit = district.Tenant }))
            .ShouldHaveStatus(HttpStatusCode.Created);

        // From here on versions wait for a reviewer: three units with submitted versions for the review moves.
        await (await admin.PutAsJsonAsync($"/api/v1/tenants/{district.Tenant}/settings", new { review = "required" })).ShouldHaveStatus(HttpStatusCode.OK);
        var pending = new List<string>();
        foreach (var name in new[] { "椿树街道", "大栅栏街道", "天桥街道" })
        {
            var unit = await data.OrgUnitAsync(district.Tenant, district.Tenant, name);
            await (await TestData.PostReportAsync(admin, district.Tenant, unit, TestData.ReportFor(), Year)).ShouldHaveStatus(HttpStatusCode.Created);
            pending.Add(unit);
        }
        await (await TestData.PostReportAsync(admin, district.Tenant, pending[2], TestData.ReportFor().With("7", 3), Year)).ShouldHaveStatus(HttpStatusCode.Created);
        return new ContractWorld(api, district, tenantId, victimKeyId, reporterKeyId, jobId)
        {
            ToAccept = pending[0], ToReturn = pending[1], Superseded = pending[2],
            UpstreamCity = city, UpstreamUnit = cityUnit, UpstreamKey = cityKey,
        };
    }

    private static async Task<string> KeyIdAsync(ApiFixture api, District district, string role, string orgUnit)
    {
        var keys = await api.Client(district.Keys["tenant-admin@root"])
            .GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{district.Tenant}/api-keys");
        return keys.GetProperty("items").EnumerateArray()
            .First(k => k.GetProperty("role").GetString() == role && k.GetProperty("orgUnit").GetString() == orgUnit
                        && k.GetProperty("name").GetString() == $"{role} of {orgUnit}")
            .GetProperty("id").GetString()!;
    }

    public static Func<HttpContent> JsonBody(object body) => () => JsonContent.Create(body);

    public static Func<HttpContent> RawJson(string json) => () => new StringContent(json, Encoding.UTF8, "application/json");

    public static Func<HttpContent> Text(string text) => () => new StringContent(text, Encoding.UTF8, "text/plain");

    private static HttpContent FormPart(HttpContent part, string name, string? fileName = null)
    {
        part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data")
        {
            Name = $"\"{name}\"",
            FileName = fileName is null ? null : $"\"{fileName}\"",
        };
        return part;
    }

    public static Func<HttpContent> Form(byte[]? file, string fileName = "report.txt", string? note = null) => () =>
    {
        // Names quoted, as browsers and curl send them (Prism's multipart parser fails on .NET's bare tokens).
        var form = new MultipartFormDataContent();
        if (file is not null)
        {
            // A file part with its media type, as browsers and curl send it (Prism's parser needs one too).
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(FormPart(part, "file", fileName));
        }
        if (note is not null) form.Add(FormPart(new StringContent(note), "note"));
        return form;
    };
}
