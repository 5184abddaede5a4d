using Aggregator.Jobs.Upstream;

namespace Aggregator.Api.Tests.Upstream;

/// <summary>The allow-list's judgement of a link's url, without a server: what an operator's entry lets through.</summary>
public sealed class UpstreamUrlsTests
{
    private static readonly string[] Allowed =
        ["https://gkpt.beijing.example.gov.cn", "http://127.0.0.1:5080", "gkpt.hebei.example.gov.cn", "https://gkpt.example.gov.cn/city/"];

    [Theory]
    [InlineData(null, UpstreamUrlVerdict.Allowed)]
    [InlineData("https://gkpt.beijing.example.gov.cn", UpstreamUrlVerdict.Allowed)]
    [InlineData("https://GKPT.Beijing.example.gov.cn/", UpstreamUrlVerdict.Allowed)]
    [InlineData("https://gkpt.beijing.example.gov.cn:443/", UpstreamUrlVerdict.Allowed)]
    [InlineData("http://gkpt.beijing.example.gov.cn", UpstreamUrlVerdict.HttpsRequired)]
    [InlineData("https://gkpt.beijing.example.gov.cn:8443", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.beijing.example.gov.cn.evil.example", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://evil.example/gkpt.beijing.example.gov.cn", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://user@gkpt.beijing.example.gov.cn", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("http://127.0.0.1:5080", UpstreamUrlVerdict.Allowed)]
    [InlineData("http://127.0.0.1:5081", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("http://127.0.0.1", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("http://localhost:5080", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("http://[::1]:5080", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.hebei.example.gov.cn", UpstreamUrlVerdict.Allowed)]
    [InlineData("http://gkpt.hebei.example.gov.cn", UpstreamUrlVerdict.HttpsRequired)]
    [InlineData("https://gkpt.example.gov.cn/city", UpstreamUrlVerdict.Allowed)]
    [InlineData("https://gkpt.example.gov.cn/city/api", UpstreamUrlVerdict.Allowed)]
    [InlineData("https://gkpt.example.gov.cn/", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.example.gov.cn/cityhall", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.example.gov.cn/city/../admin", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.example.gov.cn/city/%2e%2e/admin", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("https://gkpt.example.gov.cn/city/..%2fadmin", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("file:///etc/passwd", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("gopher://127.0.0.1:5080", UpstreamUrlVerdict.NotAllowed)]
    [InlineData("not a url", UpstreamUrlVerdict.NotAllowed)]
    public void Should_allow_only_what_an_entry_of_the_list_covers(string? url, UpstreamUrlVerdict expected) =>
        Assert.Equal(expected, UpstreamUrls.Check(url, Allowed));

    [Fact]
    public void Should_allow_nothing_but_this_deployment_by_default()
    {
        Assert.Equal(UpstreamUrlVerdict.Allowed, UpstreamUrls.Check(null, []));
        Assert.Equal(UpstreamUrlVerdict.NotAllowed, UpstreamUrls.Check("https://gkpt.beijing.example.gov.cn", []));
    }

    [Theory]
    [InlineData("https://a.example", true)]
    [InlineData("a.example", true)]
    [InlineData("http://10.1.2.3:8080/base/", true)]
    [InlineData("https://user:pw@a.example", false)]
    [InlineData("https://a.example/?q=1", false)]
    [InlineData("https://a.example/#top", false)]
    [InlineData("ftp://a.example", false)]
    [InlineData("", false)]
    public void Should_accept_as_entries_only_base_urls_and_host_names(string entry, bool valid) =>
        Assert.Equal(valid, UpstreamUrls.AreValid([entry]));
}
