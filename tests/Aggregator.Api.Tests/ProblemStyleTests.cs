using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests;

/// <summary>
/// Every error answer has one style, whoever wrote it (a validator, the JSON reader, a handler, ASP.NET,
/// the exception handler): an RFC 9110 type link or a problem type of this API, a W3C trace id, and for a
/// 400 the fields at fault in <c>errors</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ProblemStyleTests(ApiFixture api)
{
    private const string BadRequestType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1";
    private readonly TestData _data = new(api);

    public static TheoryData<string, string> BadRequests => new()
    {
        { "a field a validator refuses", """{"code":"bad code!","name":"x","kind":"district"}""" },
        { "a body that is not JSON", """{"code": "x", "name": """ },
        { "a value of the wrong JSON type", """{"code": 5, "name":"x","kind":"district"}""" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Should_answer_every_400_in_one_shape_with_the_fields_at_fault(string why, string body)
    {
        var response = await api.Admin().PostAsync("/api/v1/tenants", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.True(BadRequestType == problem.GetProperty("type").GetString(), why);
        Assert.Matches(TraceParent(), problem.GetProperty("traceId").GetString());
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("name").GetString()), why);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("reason").GetString()), why);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    public async Task Should_answer_a_body_that_is_not_the_object_it_takes_without_naming_types_of_the_server(string body)
    {
        var response = await api.Admin().PostAsync("/api/v1/tenants", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Empty(problem.GetProperty("errors").EnumerateArray());
        Assert.DoesNotContain("Aggregator.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_answer_a_post_without_a_body_as_problem_details()
    {
        var district = await _data.DistrictAsync();
        var path = $"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/versions";

        var none = await api.Client(district.Keys["reporter@a"]).PostAsync(path, null);
        var emptyJson = await api.Client(district.Keys["reporter@a"]).PostAsync(path, new StringContent("", Encoding.UTF8, "application/json"));
        var untyped = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"template":"bj-gip-2017","values":{"1.1":1}}"""));
        var noContentType = await api.Client(district.Keys["reporter@a"]).PostAsync(path, untyped);

        // The operation reads a JSON body and got none: 415 naming what it reads, as problem details.
        foreach (var response in new[] { none, emptyJson, noContentType })
        {
            var problem = await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("application/json", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Should_refuse_a_series_of_an_indicator_no_template_knows()
    {
        var district = await _data.DistrictAsync();

        var response = await api.Client(district.Keys["viewer@root"])
            .GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/series?indicator=bogus");

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("indicator", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_a_small_form_with_an_overlong_boundary_400_not_413()
    {
        var district = await _data.DistrictAsync();
        var boundary = new string('b', 2000);
        var body = new StringContent($"--{boundary}--\r\n");
        body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        var response = await api.Client(district.Keys["reporter@a"])
            .PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import", body);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("form", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_refuse_an_import_of_two_files_at_once()
    {
        var district = await _data.DistrictAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(SeedReport.Text), "file", "taoranting-2017.txt" },
            { new StringContent("其他"), "file", "other.txt" },
        };

        var response = await api.Client(district.Keys["reporter@a"])
            .PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import", form);

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal("file", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(0, await _data.VersionCountAsync(district, district.SubDistrictA));
    }

    [Fact]
    public async Task Should_name_the_query_value_a_handler_refuses()
    {
        var district = await _data.DistrictAsync();

        var response = await api.Client(district.Keys["viewer@root"])
            .GetAsync($"/api/v1/tenants/{district.Tenant}/org-units/{district.Tenant}/comparisons/2017?base=2030");

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        Assert.Equal(BadRequestType, problem.GetProperty("type").GetString());
        Assert.Equal("base", Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Should_answer_with_the_trace_id_the_client_sent()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates/no-such-template");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        var response = await api.Admin().SendAsync(request);

        var problem = await response.ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5", problem.GetProperty("type").GetString());
        Assert.StartsWith($"00-{traceId}-", problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Should_answer_a_fault_with_a_500_that_names_the_trace_and_nothing_else()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/templates");
        request.Headers.Add(FailureOnRequest.Header, "1");

        var response = await api.Admin().SendAsync(request);

        var problem = await response.ShouldBeProblem(HttpStatusCode.InternalServerError);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1", problem.GetProperty("type").GetString());
        Assert.Matches(TraceParent(), problem.GetProperty("traceId").GetString());
        Assert.DoesNotContain("provoked by a test", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_a_multipart_body_over_one_mebibyte_with_413()
    {
        var district = await _data.DistrictAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[1024 * 1024 + 10]), "file", "huge.txt" } };
        var client = api.Client(district.Keys["reporter@a"]);
        // The server answers 413 and closes without reading the rest: a client that waits for 100-continue
        // reads that answer instead of failing on a broken pipe halfway through the upload.
        client.DefaultRequestHeaders.ExpectContinue = true;

        var response = await client
            .PostAsync($"{TestData.ReportPath(district.Tenant, district.SubDistrictA)}/import", form);

        var problem = await response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Should_answer_a_body_of_an_unsupported_media_type_with_415()
    {
        var response = await api.Admin().PostAsync("/api/v1/tenants", new StringContent("code=x", Encoding.UTF8, "text/plain"));

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16", problem.GetProperty("type").GetString());
        Assert.Matches(TraceParent(), problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Should_keep_the_problem_types_of_this_api()
    {
        var district = await _data.DistrictAsync();
        var reporter = api.Client(district.Keys["reporter@a"]);
        await (await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor(), idempotencyKey: "k1"))
            .ShouldHaveStatus(HttpStatusCode.Created);

        var response = await TestData.PostReportAsync(reporter, district.Tenant, district.SubDistrictA, TestData.ReportFor().With("7", 5), idempotencyKey: "k1");

        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("/problems/idempotency-key-reused", problem.GetProperty("type").GetString());
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex TraceParent();
}
