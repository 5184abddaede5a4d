using System.Text.Json.Nodes;
using static Aggregator.Api.Tests.Contract.ContractWorld;

namespace Aggregator.Api.Tests.Contract;

/// <summary>
/// Every operation that takes a JSON object refuses a member it does not know: its successful request of
/// <see cref="Provocations.Ok"/> with one member more is answered 400 in the documented schema, naming that member.
/// </summary>
public sealed partial class ContractTests
{
    private const string UnknownMember = "unknownMember";

    [Fact]
    public async Task Should_answer_every_json_body_with_an_unknown_member_with_a_documented_400_naming_it()
    {
        var document = JsonNode.Parse(await api.Admin().GetStringAsync("/swagger/v1/swagger.json"))!;
        var schemas = new DocumentSchemas(document);
        var world = await ContractWorld.CreateAsync(api);
        var failures = new List<string>();
        var checkedOperations = 0;

        foreach (var (name, ok) in Provocations.Ok)
        {
            var call = ok(world);
            if (call.Body?.Invoke() is not { } content || content.Headers.ContentType?.MediaType != "application/json") continue;
            if (JsonNode.Parse(await content.ReadAsStringAsync()) is not JsonObject body) continue;
            body[UnknownMember] = 1;
            var (method, path) = (name[..name.IndexOf(' ', StringComparison.Ordinal)].ToLowerInvariant(), name[(name.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var documented = document["paths"]![path]![method]!["responses"]!["400"];
            if (documented is null)
            {
                failures.Add($"{name}: takes a JSON body but documents no 400");
                continue;
            }

            checkedOperations++;
            using var answer = await SendAsync(world, method, path, call with { Body = RawJson(body.ToJsonString()) });
            var text = await answer.Content.ReadAsStringAsync();
            failures.AddRange((await CheckAsync(answer, 400, documented, schemas)).Select(f => $"{name} (unknown member): {f}"));
            if ((int)answer.StatusCode == 400 && JsonNode.Parse(text)?["errors"] is JsonArray errors
                && !errors.Any(error => error?["name"]?.GetValue<string>() == UnknownMember))
                failures.Add($"{name}: the 400 does not name {UnknownMember}: {text}");
        }

        Assert.True(checkedOperations >= 7, $"only {checkedOperations} operations take a JSON body");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
