using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Edge;

public sealed class OrgTreeOptionsTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("33")]
    public void Should_refuse_to_start_with_a_depth_limit_the_database_cannot_hold(string maxDepth)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:OrgUnits:MaxDepth"] = maxDepth,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains("Aggregator:OrgUnits:MaxDepth", error.Message);
    }
}
