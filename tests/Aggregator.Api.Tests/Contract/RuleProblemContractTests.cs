using System.Text;
using System.Text.Json.Nodes;
using Aggregator.Api.Tests.Infrastructure;
using static Aggregator.Api.Tests.Contract.ContractWorld;

namespace Aggregator.Api.Tests.Contract;

/// <summary>
/// A 422 comes in several kinds — broken rules, an empty report, a document that is not the template's
/// table — and the one provocation per status of the main contract test sends only one of them: each kind's
/// real body is checked here against the documented 422 schema.
/// </summary>
public sealed partial class ContractTests
{
    [Fact]
    public async Task Should_send_every_kind_of_422_in_the_documented_rule_problem_schema()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = new DocumentSchemas(document);
        var world = await ContractWorld.CreateAsync(api);
        const string versions = "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/versions";
        const string import = "/api/v1/tenants/{tenant}/org-units/{org}/reports/{year}/import";
        var national = new Dictionary<string, string>(world.Route()) { ["year"] = "2019" };
        var kinds = new (string Path, string Kind, Call Call)[]
        {
            (versions, "rules", new Call(world.TenantAdmin, world.Route(), Body: JsonBody(TestData.ReportFor().With("3.1", 99_999).ToJson()))),
            (versions, "empty-report", new Call(world.TenantAdmin, world.Route(), Body: JsonBody(new { template = "bj-gip-2017", values = new { } }))),
            (import, "empty-report", new Call(world.TenantAdmin, world.Route(), Body: Form(SeedDocx.Build(row => row with { Value = "" }), "blank.docx"))),
            (import, "unrecognised-document", new Call(world.TenantAdmin, national, Body: Form(Encoding.UTF8.GetBytes(SeedReport.Text)))),
            (import, "year-mismatch", new Call(world.TenantAdmin, new Dictionary<string, string>(world.Route()) { ["year"] = "2018" },
                Body: Form(Encoding.UTF8.GetBytes(SeedReport.Text)))),
            (import, "empty-document", new Call(world.TenantAdmin, world.Route(), Body: Form(Encoding.UTF8.GetBytes(" \n\u3000\n")))),
        };

        var failures = new List<string>();
        foreach (var (path, kind, call) in kinds)
        {
            var documented = document["paths"]![path]!["post"]!["responses"]!["422"]!;
            using var answer = await SendAsync(world, "post", path, call);
            failures.AddRange((await CheckAsync(answer, 422, documented, schemas)).Select(f => $"POST {path} ({kind}): {f}"));
            // And it is the kind it was sent to provoke, not some other 422 that happens to fit the schema.
            if ((int)answer.StatusCode == 422)
            {
                using var body = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
                var type = body.RootElement.GetProperty("type").GetString();
                var isKind = kind == "rules"
                    ? body.RootElement.TryGetProperty("rules", out var rules) && rules.GetArrayLength() > 0
                    : type == $"/problems/{kind}";
                if (!isKind) failures.Add($"POST {path} ({kind}): answered a 422 of type {type}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

}
