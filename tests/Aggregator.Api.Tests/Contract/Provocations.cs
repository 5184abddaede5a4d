using System.Net;
using System.Net.Http.Json;
using System.Text;
using Aggregator.Api.Tests.Infrastructure;
using Npgsql;
using static Aggregator.Api.Tests.Contract.ContractWorld;

namespace Aggregator.Api.Tests.Contract;

/// <summary>Sends a call to the operation under test.</summary>
public delegate Task<HttpResponseMessage> Send(Call call);

/// <summary>How to make one operation answer a status.</summary>
public delegate Task<HttpResponseMessage> Provocation(ContractWorld world, Call ok, Send send);

/// <summary>
/// How to provoke every answer of every operation. <see cref="Ok"/> gives each operation a request that
/// succeeds; the statuses every operation shares (401, 403, 404, 413, 415, 500, 503) are derived from it; the
/// rest are listed per operation. A documented status that no entry can provoke fails the contract test,
/// so a new endpoint or answer cannot go untested.
/// </summary>
public static class Provocations
{
    private const string NewUnitCode = "{new}";

    public static readonly IReadOnlyDictionary<string, Func<ContractWorld, Call>> Ok = new Dictionary<string, Func<ContractWorld, Call>>
    {
        ["POST /api/v1/tenants"] = w => new Call(ApiFixture.AdminKey, w.Route(),
            Body: JsonBody(new { code = TestData.UniqueCode("t"), name = "东城区", kind = "district" })),
        ["GET /api/v1/tenants"] = w => new Call(ApiFixture.AdminKey, w.Route()),
        ["GET /api/v1/tenants/{tenant}"] = w => new Call(w.Viewer, w.Route()),
        ["POST /api/v1/tenants/{tenant}/org-units"] = w => new Call(w.TenantAdmin, w.Route(),
            Body: JsonBody(new { code = TestData.UniqueCode("u"), name = "椿树街道", kind = "sub-district", parent = w.Root })),
        ["GET /api/v1/tenants/{tenant}/org-units"] = w => new Call(w.Viewer, w.Route()),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}"] = w => new Call(w.Viewer, w.Route()),
        ["POST /api/v1/tenants/{tenant}/api-keys"] = w => new Call(w.TenantAdmin, w.Route(),
            Body: JsonBody(new { orgUnit = w.UnitA, role = "viewer", name = "dashboard" })),
        ["GET /api/v1/tenants/{tenant}/api-keys"] = w => new Call(w.TenantAdmin, w.Route()),
        ["GET /api/v1/me"] = w => new Call(w.Reporter, w.Route()),
        ["DELETE /api/v1/tenants/{tenant}/api-keys/{id}"] = w => new Call(w.TenantAdmin, w.Route()).WithRoute("id", w.VictimKeyId),
        ["GET /api/v1/templates"] = w => new Call(w.Reporter, w.Route()),
        ["GET /api/v1/templates/{code}"] = w => new Call(w.Reporter, w.Route()),
        ["POST /api/v1/templates/{code}/validate"] = w => new Call(w.Reporter, w.Route(),
            Body: JsonBody(new { values = TestData.ReportFor().With("3.1", 1).ToJson()["values"] })),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions"] = w => new Call(w.TenantAdmin, w.Route(org: NewUnitCode),
            Body: JsonBody(TestData.ReportFor().ToJson())),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/import"] = w => new Call(w.TenantAdmin, w.Route(org: NewUnitCode),
            Body: Form(Encoding.UTF8.GetBytes(SeedReport.Text))),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}"] = w => new Call(w.Reporter, w.Route()),
        ["PATCH /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}"] = w => new Call(w.Reporter, w.Route(),
            Body: MergePatch(new { values = new Dictionary<string, decimal?> { ["7"] = 5 }, note = "7 corrected" })).WithHeader("If-Match", "*"),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions"] = w => new Call(w.Reporter, w.Route()),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}"] = w => new Call(w.Reporter, w.Route()),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/diff"] = w => new Call(w.Reporter, w.Route(), "?against=1"),
        ["GET /api/v1/tenants/{tenant}/reports"] = w => new Call(w.Viewer, w.Route()),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}/breakdown"] = w => new Call(w.Viewer, w.Route(org: w.Root), "?indicator=3.1"),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}.xlsx"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}.csv"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/annual-report/{year}.docx"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}/recompute"] = w => new Call(w.Reviewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/comparisons/{year}"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/series"] = w => new Call(w.Viewer, w.Route(org: w.Root), "?indicator=3.1"),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/table/{year}"] = w => new Call(w.Viewer, w.Route(org: w.Root), "?indicators=1.1,3.1"),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/quality/{year}"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/jobs/{id}"] = w => new Call(w.Reviewer, w.Route()),
        // A dry run: the world's reports stay as they are for every other provocation.
        ["POST /api/v1/tenants/{tenant}/imports"] = w => new Call(w.TenantAdmin, w.Route(), "?dryRun=true",
            Body: Form(new Imports.ImportCsv().Report(w.UnitA, Year - 1).Bytes(), "past-years.csv")),
        ["GET /api/v1/tenants/{tenant}/settings"] = w => new Call(w.Viewer, w.Route()),
        ["PUT /api/v1/tenants/{tenant}/settings"] = w => new Call(w.TenantAdmin, w.Route(), Body: JsonBody(new { review = "required" })),
        ["GET /api/v1/tenants/{tenant}/deadlines/{year}"] = w => new Call(w.Viewer, w.Route()),
        ["PUT /api/v1/tenants/{tenant}/deadlines/{year}"] = w => new Call(w.TenantAdmin, w.Route(),
            Body: JsonBody(new { due = "2018-01-31T23:59:59+08:00" })),
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/completeness/{year}"] = w => new Call(w.Viewer, w.Route(org: w.Root)),
        ["GET /api/v1/tenants/{tenant}/audit"] = w => new Call(w.TenantAdmin, w.Route()),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/accept"] = w => new Call(w.Reviewer,
            w.Route(org: w.ToAccept), Body: JsonBody(new { comment = "核对无误" })).WithRoute("v", "1"),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/return"] = w => new Call(w.Reviewer,
            w.Route(org: w.ToReturn), Body: JsonBody(new { comment = "3.1 与分项之和不符" })).WithRoute("v", "1"),
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/reopen"] = w => new Call(w.Reviewer, w.Route(org: w.ToAccept),
            Body: JsonBody(new { comment = "补充更正" })),
        ["PUT /api/v1/tenants/{tenant}/upstream"] = w => new Call(w.TenantAdmin, w.Route(), Body: JsonBody(w.UpstreamLink)),
        ["GET /api/v1/tenants/{tenant}/upstream"] = w => new Call(w.TenantAdmin, w.Route()),
        ["DELETE /api/v1/tenants/{tenant}/upstream"] = w => new Call(w.TenantAdmin, w.Route()),
        // 2016: nothing else writes it, so its figures stay settled (B never reported it: incomplete, handed up with a reason).
        ["POST /api/v1/tenants/{tenant}/upstream/{year}/submissions"] = w => new Call(w.Reviewer, w.Route(year: 2016),
            Body: JsonBody(new { allowIncomplete = true, reason = "广安门内街道未报" })),
        ["GET /api/v1/tenants/{tenant}/upstream/{year}"] = w => new Call(w.Viewer, w.Route(year: 2016)),
        // The world published 2016 once: the same figures again are the same edition (200).
        ["POST /api/v1/tenants/{tenant}/publications"] = w => new Call(w.TenantAdmin, w.Route(), Body: JsonBody(new { year = 2016, orgUnit = w.Root })),
        // Public reads need no key; one sent with them changes nothing (the failures of 500 and 503 are provoked through it).
        ["GET /public/v1/{tenant}"] = w => new Call(w.Viewer, w.Route()),
        ["GET /public/v1/{tenant}/{year}"] = w => new Call(w.Viewer, w.Route(year: 2016)),
        ["GET /public/v1/{tenant}/{year}.csv"] = w => new Call(w.Viewer, w.Route(year: 2016)),
        ["GET /public/v1/{tenant}/{year}.xlsx"] = w => new Call(w.Viewer, w.Route(year: 2016)),
        ["GET /public/v1/{tenant}/{year}.docx"] = w => new Call(w.Viewer, w.Route(year: 2016)),
        ["GET /public/v1/{tenant}/{year}/editions/{n}"] = w => new Call(w.Viewer, w.Route(year: 2016)).WithRoute("n", "1"),
    };

    /// <summary>The answers one operation gives beyond success and the shared statuses.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<int, Provocation>> Special = new Dictionary<string, IReadOnlyDictionary<int, Provocation>>
    {
        ["POST /api/v1/tenants"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { code = "bad code!", name = "", kind = "galaxy" }) }),
            [409] = (w, ok, send) => send(ok with { Body = JsonBody(new { code = w.Tenant, name = "西城区", kind = "district" }) }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = RawJson("{\"code\": \"x\", \"name\": ") }),
            [409] = (w, ok, send) => send(ok with { Body = JsonBody(new { code = w.UnitA, name = "陶然亭街道", kind = "sub-district", parent = w.Root }) }),
        },
        ["POST /api/v1/tenants/{tenant}/api-keys"] = new Dictionary<int, Provocation>
        {
            [400] = (w, ok, send) => send(ok with { Body = JsonBody(new { orgUnit = w.UnitA, role = "admin", name = "" }) }),
            [409] = KeyCapReachedAsync,
        },
        ["POST /api/v1/templates/{code}/validate"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { values = 5 }) }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions"] = new Dictionary<int, Provocation>
        {
            [201] = (_, ok, send) => send(ok),
            [200] = (w, ok, send) => SentTwiceAsync(ok with { Route = w.Route() }, send),
            [400] = (_, ok, send) => send(ok with { Route = new Dictionary<string, string>(ok.Route) { ["year"] = "1900" } }),
            [409] = (w, ok, send) => WhileKeyIsInFlightAsync(w, ok with { Key = w.Reporter, Route = w.Route() }, send),
            [412] = (w, ok, send) => send((ok with { Route = w.Route(), Body = JsonBody(TestData.ReportFor().With("7", 2).ToJson()) })
                .WithHeader("If-Match", "\"1-0000\"")),
            [422] = (w, ok, send) => send(ok with { Route = w.Route(), Body = JsonBody(TestData.ReportFor().With("3.1", 99_999).ToJson()) }),
        },
        ["PATCH /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}"] = new Dictionary<int, Provocation>
        {
            [201] = (_, ok, send) => send(ok with { Body = MergePatch(new { values = new Dictionary<string, decimal?> { ["7"] = Random.Shared.Next(10, 1_000_000) } }) }),
            [200] = (_, ok, send) => SentTwiceAsync(ok, send),
            [400] = (_, ok, send) => send(ok with { Body = MergePatch(new { values = new Dictionary<string, decimal?> { ["7"] = 5 }, colour = "red" }) }),
            [409] = (w, ok, send) => WhileKeyIsInFlightAsync(w, ok, send),
            [412] = (_, ok, send) => send(ok.WithHeader("If-Match", "\"1-0000\"")),
            [413] = (_, ok, send) => send(ok with { Body = () => new StringContent(
                $"{{\"note\":\"{new string('x', (int)ApiRegistration.MaxRequestBodyBytes + 1024)}\"}}", Encoding.UTF8, "application/merge-patch+json") }),
            [422] = (_, ok, send) => send(ok with { Body = MergePatch(new { values = new Dictionary<string, decimal?> { ["3.1"] = 99_999 } }) }),
            [428] = (_, ok, send) => send(ok with { Headers = null }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/import"] = new Dictionary<int, Provocation>
        {
            [200] = (_, ok, send) => send(ok with { Query = "?dryRun=true" }),
            [201] = (_, ok, send) => send(ok),
            [400] = (_, ok, send) => send(ok with { Body = Form(file: null, note: "no file") }),
            [409] = (w, ok, send) => WhileKeyIsInFlightAsync(w, ok with { Key = w.Reporter, Route = w.Route() }, send),
            [412] = (w, ok, send) => send((ok with { Route = w.Route() }).WithHeader("If-Match", "\"1-0000\"")),
            [422] = (w, ok, send) => send(ok with
            {
                Route = w.Route(),
                Body = Form(SeedDocx.Build(row => row.Label.Contains("按时办结数", StringComparison.Ordinal) ? row with { Value = "3" } : row), "broken.docx"),
            }),
        },
        ["POST /api/v1/tenants/{tenant}/imports"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = Form(Encoding.UTF8.GetBytes("3.1,4\n"), "no-header.csv") }),
            [413] = (_, ok, send) => send(ok with { Body = Form(Encoding.UTF8.GetBytes(
                "org,year,template,indicator,value\n" + string.Concat(Enumerable.Repeat("a,2016,,3.1,4\n", 200_001))), "too-many-rows.csv") }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}/recompute"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Route = new Dictionary<string, string>(ok.Route) { ["year"] = "9999" } }),
        },
        ["POST /api/v1/tenants/{tenant}/publications"] = new Dictionary<int, Provocation>
        {
            // Once 2016's figures are computed again (a new unit, added by another provocation, recounts every year).
            [200] = async (w, ok, send) =>
            {
                await new Rollups.ReportRows(w.Api).WaitForFiguresAsync(w.TenantId, 2016);
                return await send(ok);
            },
            [201] = FirstEditionAsync,
            [400] = (w, ok, send) => send(ok with { Body = JsonBody(new { year = 1900, orgUnit = w.Root }) }),
            // 2015: nobody reported it, nothing is accepted.
            [409] = (w, ok, send) => send(ok with { Body = JsonBody(new { year = 2015, orgUnit = w.Root }) }),
            [422] = (w, ok, send) => send(ok with { Body = JsonBody(new { year = 2016, orgUnit = w.UnitA }) }),
        },
        ["GET /public/v1/{tenant}"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /public/v1/{tenant}/{year}"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /public/v1/{tenant}/{year}.csv"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /public/v1/{tenant}/{year}.xlsx"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /public/v1/{tenant}/{year}.docx"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /public/v1/{tenant}/{year}/editions/{n}"] = new Dictionary<int, Provocation> { [304] = (_, ok, send) => WithCurrentETagAsync(ok, send) },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithCurrentETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithCurrentETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/diff"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?against=two" }),
        },
        ["GET /api/v1/tenants/{tenant}/reports"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?pageSize=0" }),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}.csv"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}.xlsx"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/annual-report/{year}.docx"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/rollups/{year}/breakdown"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "" }),
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/comparisons/{year}"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?base=2030" }),
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/series"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?indicator=3.1&from=2020&to=2010" }),
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/table/{year}"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?indicators=1.1,no-such-code" }),
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/quality/{year}"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
            [400] = (_, ok, send) => send(ok with { Query = "?limit=0" }),
        },
        ["PUT /api/v1/tenants/{tenant}/settings"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { review = "sometimes" }) }),
        },
        ["GET /api/v1/tenants/{tenant}/deadlines/{year}"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok.WithRoute("year", "1900")),
        },
        ["PUT /api/v1/tenants/{tenant}/deadlines/{year}"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { due = "2018-01-31 23:59:59" }) }),
        },
        ["GET /api/v1/tenants/{tenant}/org-units/{org}/completeness/{year}"] = new Dictionary<int, Provocation>
        {
            [304] = (_, ok, send) => WithSettledETagAsync(ok, send),
            [400] = (_, ok, send) => send(ok.WithRoute("year", "1900")),
        },
        ["GET /api/v1/tenants/{tenant}/audit"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Query = "?limit=0" }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/accept"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { comment = new string('长', 2001) }) }),
            [409] = (w, ok, send) => send((ok with { Route = w.Route(org: w.Superseded) }).WithRoute("v", "1")),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions/{v}/return"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { comment = "" }) }),
            [409] = (w, ok, send) => send(ok with { Route = w.Route() }),
        },
        ["PUT /api/v1/tenants/{tenant}/upstream"] = new Dictionary<int, Provocation>
        {
            [400] = (w, ok, send) => send(ok with { Body = JsonBody(new { url = "ftp://city.example", tenant = w.UpstreamCity, orgUnit = w.UpstreamUnit, key = w.UpstreamKey }) }),
            [422] = (w, ok, send) => send(ok with { Body = JsonBody(new { url = (string?)null, tenant = w.UpstreamCity, orgUnit = w.UpstreamUnit, key = "agg_made-up-key-000000000000000000000000000" }) }),
        },
        ["DELETE /api/v1/tenants/{tenant}/upstream"] = new Dictionary<int, Provocation>
        {
            // A body the operation does not take, with a member it does not know.
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { url = 1 }) }),
            // Removed, then linked again for the operations that need the link.
            [204] = async (w, ok, send) =>
            {
                var answer = await send(ok);
                (await w.Api.Client(w.TenantAdmin).PutAsJsonAsync($"/api/v1/tenants/{w.Tenant}/upstream", w.UpstreamLink)).EnsureSuccessStatusCode();
                return answer;
            },
        },
        ["POST /api/v1/tenants/{tenant}/upstream/{year}/submissions"] = new Dictionary<int, Provocation>
        {
            // Once 2016's figures are computed again, as for the publication: a unit added by another provocation recounts
            // every year, and figures being recomputed are not handed up (409 figures-stale).
            [202] = async (w, ok, send) =>
            {
                await new Rollups.ReportRows(w.Api).WaitForFiguresAsync(w.TenantId, 2016);
                return await send(ok);
            },
            [409] = (_, ok, send) => send(ok with { Body = JsonBody(new { }) }),
        },
        ["POST /api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/reopen"] = new Dictionary<int, Provocation>
        {
            [400] = (_, ok, send) => send(ok with { Body = JsonBody(new { comment = new string('长', 2001) }) }),
        },
    };

    /// <summary>A merge patch (RFC 7396) body, as PATCH of a report takes it.</summary>
    private static Func<HttpContent> MergePatch(object body) =>
        () => System.Net.Http.Json.JsonContent.Create(body, new System.Net.Http.Headers.MediaTypeHeaderValue("application/merge-patch+json"));

    /// <summary>409: the tenant at its cap of keys, on a host of its own whose cap (1) the world's tenant already passed.</summary>
    private static async Task<HttpResponseMessage> KeyCapReachedAsync(ContractWorld world, Call ok, Send send)
    {
        await using var capped = Limits.LimitsHost.Start(world.Api, new Dictionary<string, string?> { ["Aggregator:ApiKeys:MaxPerTenant"] = "1" });
        using var client = Limits.LimitsHost.Client(capped, ok.Key);
        return await client.PostAsync($"/api/v1/tenants/{world.Tenant}/api-keys", ok.Body!());
    }

    /// <summary>
    /// 400 of an operation whose path takes a value that is not free text (a year, a version, a key id): that value
    /// replaced by one not of its type, so that the request cannot be bound. Null when every path value is free text.
    /// </summary>
    public static Provocation? MalformedPath(System.Text.Json.Nodes.JsonObject operation)
    {
        var malformable = (operation["parameters"]?.AsArray() ?? [])
            .Select(parameter => parameter!.AsObject())
            .FirstOrDefault(parameter => parameter["in"]!.GetValue<string>() == "path"
                                         && (parameter["schema"]?["type"]?.GetValue<string>() != "string" || parameter["schema"]?["format"] is not null));
        if (malformable is null) return null;
        var name = malformable["name"]!.GetValue<string>();
        var value = malformable["schema"]?["format"]?.GetValue<string>() == "uuid" ? "not-a-uuid" : "twenty-seventeen";
        return (_, ok, send) => send(ok.WithRoute(name, value));
    }

    /// <summary>The unit code a call names when it needs a unit of its own (a first version, every time).</summary>
    public static bool NeedsNewUnit(Call call) => call.Route.TryGetValue("org", out var org) && org == NewUnitCode;

    /// <summary>409: another request with the same Idempotency-Key holds its lock.</summary>
    private static async Task<HttpResponseMessage> WhileKeyIsInFlightAsync(ContractWorld world, Call call, Send send)
    {
        const string idempotencyKey = "contract-in-flight";
        await using var connection = await world.Api.AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@name, 0))", connection, transaction))
        {
            hold.Parameters.AddWithValue("name", $"{world.TenantId}/{world.ReporterKeyId}/{idempotencyKey}");
            await hold.ExecuteNonQueryAsync();
        }
        var response = await send(call.WithHeader("Idempotency-Key", idempotencyKey));
        await transaction.RollbackAsync();
        if ((int)response.StatusCode == 409 && response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
            throw new InvalidOperationException("A 409 for an Idempotency-Key in flight without Retry-After in seconds.");
        return response;
    }

    /// <summary>304: If-None-Match with the ETag the same request just answered.</summary>
    /// <summary>The same report twice: the second is identical to the current version and answers 200 unchanged.</summary>
    private static async Task<HttpResponseMessage> SentTwiceAsync(Call call, Send send)
    {
        (await send(call)).Dispose();
        return await send(call);
    }

    /// <summary>
    /// 304 of a read of figures: its ETag moves whenever the world's other provocations post versions and a rollup job
    /// runs, so If-None-Match is sent with the tag of the answer just read until one read and the next agree.
    /// </summary>
    private static async Task<HttpResponseMessage> WithSettledETagAsync(Call ok, Send send)
    {
        var etag = (await send(ok)).Headers.ETag?.ToString() ?? throw new InvalidOperationException("The read answered no ETag.");
        for (var attempt = 1; ; attempt++)
        {
            var response = await send(ok.WithHeader("If-None-Match", etag));
            if (response.StatusCode == HttpStatusCode.NotModified || attempt == 50) return response;
            etag = response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The read answered no ETag.");
            response.Dispose();
        }
    }

    /// <summary>201: a district of its own, whose 2016 nobody published yet.</summary>
    private static async Task<HttpResponseMessage> FirstEditionAsync(ContractWorld world, Call ok, Send send)
    {
        var data = new TestData(world.Api);
        var district = await data.DistrictAsync();
        await (await TestData.PostReportAsync(world.Api.Client(district.Keys["reporter@a"]), district.Tenant, district.SubDistrictA, TestData.ReportFor(), 2016))
            .ShouldHaveStatus(HttpStatusCode.Created);
        await new Rollups.ReportRows(world.Api).WaitForFiguresAsync(await data.TenantIdAsync(district.Tenant), 2016);
        return await send(ok.WithRoute("tenant", district.Tenant) with
        {
            Key = district.Keys["tenant-admin@root"], Body = JsonBody(new { year = 2016, orgUnit = district.Tenant }),
        });
    }

    private static async Task<HttpResponseMessage> WithCurrentETagAsync(Call ok, Send send)
    {
        var first = await send(ok);
        var etag = first.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The read answered no ETag.");
        return await send(ok.WithHeader("If-None-Match", etag));
    }
}
