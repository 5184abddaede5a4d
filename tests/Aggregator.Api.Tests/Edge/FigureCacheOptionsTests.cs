using Aggregator.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Edge;

public sealed class FigureCacheOptionsTests
{
    [Theory]
    [InlineData("Aggregator:Cache:MaxMegabytes", "0")]
    [InlineData("Aggregator:Cache:MaxMegabytes", "-5")]
    [InlineData("Aggregator:Figures:PollInterval", "00:00:06")]
    [InlineData("Aggregator:Figures:PollInterval", "00:00:00")]
    public void Should_refuse_to_start_with_an_answer_cache_or_a_poll_out_of_bounds(string setting, string value)
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            [setting] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains(setting, error.Message);
    }
}
