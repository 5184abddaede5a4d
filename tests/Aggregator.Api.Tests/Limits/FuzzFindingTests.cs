using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Limits;

/// <summary>What the write fuzzing found, kept as plain examples.</summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzFindingTests(ApiFixture api)
{
    private readonly TestData _data = new(api);

    [Fact]
    public async Task Should_answer_415_to_a_body_in_a_charset_nobody_can_decode()
    {
        var district = await _data.DistrictAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"due\":\"2018-01-31T23:59:59+08:00\"}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=nope");

        using var answer = await api.Client(district.Keys["tenant-admin@root"]).PutAsync($"/api/v1/tenants/{district.Tenant}/deadlines/2017", content);

        var problem = await answer.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("nope", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/html")]
    public async Task Should_answer_problems_as_problem_json_to_a_client_that_accepts_no_JSON(string accept)
    {
        var client = api.Client();
        client.DefaultRequestHeaders.Accept.Clear();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var failing = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        failing.Headers.Add("X-Api-Key", ApiFixture.AdminKey);
        failing.Headers.Add(FailureOnRequest.Header, "1");

        using var failed = await client.SendAsync(failing);
        using var unauthorized = await client.GetAsync("/api/v1/templates");
        using var nowhere = await client.GetAsync("/api/v1/nowhere");

        await failed.ShouldBeProblem(HttpStatusCode.InternalServerError);
        await unauthorized.ShouldBeProblem(HttpStatusCode.Unauthorized);
        await nowhere.ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"values\":[[\"required\"],[\"\\ud800\"]]}", "values")]
    [InlineData("{\"values\":{\"1.1\":1,\"\\udc00\":2}}", "values")]
    [InlineData("{\"values\":{\"1.1\":\"\\ud83d\"}}", "values")]
    public async Task Should_refuse_an_escaped_unpaired_surrogate_with_a_400_naming_the_field(string body, string field)
    {
        var district = await _data.DistrictAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var answer = await api.Client(district.Keys["viewer@root"]).PostAsync("/api/v1/templates/bj-gip-2017/validate", content);

        var problem = await answer.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), error => error.GetProperty("name").GetString()!.StartsWith(field, StringComparison.Ordinal));
    }
}
