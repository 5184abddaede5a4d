using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Upstream;

public sealed class UpstreamOptionsTests
{
    [Theory]
    [InlineData("https://user:pw@gkpt.beijing.example.gov.cn")]
    [InlineData("ftp://gkpt.beijing.example.gov.cn")]
    [InlineData("https://gkpt.beijing.example.gov.cn/?tenant=110100")]
    [InlineData(" ")]
    public void Should_refuse_to_start_with_an_upstream_allow_list_entry_that_is_no_base_url(string entry)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:Upstream:AllowedUrls:0"] = "https://gkpt.hebei.example.gov.cn",
            ["Aggregator:Upstream:AllowedUrls:1"] = entry,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains("Aggregator:Upstream:AllowedUrls", error.Message);
    }
}
