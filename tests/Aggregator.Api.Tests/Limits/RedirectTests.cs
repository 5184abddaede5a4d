using System.Net;
using Aggregator.Api.Limits;
using Aggregator.Api.Tests.Infrastructure;

namespace Aggregator.Api.Tests.Limits;

/// <summary>
/// Every redirect names a path on this service, never a host taken from the request: a forged Host header must not
/// turn /dashboard into a redirect to another site (for the browser, or for a cache that stores the 301).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RedirectTests(ApiFixture api)
{
    private const string Hostile = "evil.example.com";

    [Theory]
    [InlineData("/dashboard", "/dashboard/")]
    [InlineData("/dashboard?tenant=110102", "/dashboard/?tenant=110102")]
    public async Task Should_redirect_to_a_path_whatever_the_host_header_says(string path, string location)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = Hostile;

        using var answer = await NotFollowing().SendAsync(request);

        Assert.Equal(HttpStatusCode.MovedPermanently, answer.StatusCode);
        Assert.Equal(location, answer.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/swagger")]
    [InlineData("/swagger/")]
    public async Task Should_redirect_to_the_documentation_without_naming_a_host(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = Hostile;

        using var answer = await NotFollowing().SendAsync(request);

        Assert.Equal(HttpStatusCode.MovedPermanently, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.False(location.IsAbsoluteUri, location.OriginalString);
        Assert.EndsWith("index.html", location.OriginalString);
    }

    [Theory]
    [InlineData("http://evil.example.com/dashboard/", "/dashboard/")]
    [InlineData("https://evil.example.com:8443/dashboard/js/?a=1#top", "/dashboard/js/?a=1#top")]
    [InlineData("http://evil.example.com//other.example.com/x", "/other.example.com/x")]
    [InlineData("http://evil.example.com", "/")]
    public void Should_cut_an_absolute_location_to_its_path(string location, string expected) =>
        Assert.Equal(expected, RelativeRedirects.Relative(location));

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("index.html")]
    [InlineData("/api/v1/jobs/abc")]
    [InlineData("")]
    public void Should_leave_a_relative_location_as_it_is(string location) =>
        Assert.Null(RelativeRedirects.Relative(location));

    /// <summary>A plain client on the API's Kestrel port that shows a redirect instead of following it.</summary>
    private HttpClient NotFollowing() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.Client().BaseAddress! };
}
