using Aggregator.Api.Features.Quality;
using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Quality;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Quality;

public sealed class QualityOptionsTests
{
    private static QualityThresholds Bound(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddQualityThresholds().BuildServiceProvider();
        return services.GetRequiredService<IOptions<QualityThresholds>>().Value;
    }

    [Fact]
    public void Should_read_the_thresholds_from_Aggregator_Quality_and_keep_the_defaults_of_the_rest()
    {
        var thresholds = Bound(new()
        {
            ["Aggregator:Quality:SwingFactor"] = "4",
            ["Aggregator:Quality:SwingFloor"] = "50",
            ["Aggregator:Quality:OutlierThreshold"] = "5",
            ["Aggregator:Quality:OutlierMinPeers"] = "10",
        });

        Assert.Equal(new QualityThresholds { SwingFactor = 4, SwingFloor = 50, OutlierThreshold = 5, OutlierMinPeers = 10 }, thresholds);
    }

    [Fact]
    public void Should_refuse_to_start_with_thresholds_that_cannot_be_used_and_name_each()
    {
        using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aggregator"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=none",
            ["Aggregator:Quality:SwingFactor"] = "1",
            ["Aggregator:Quality:OutlierMinPeers"] = "0",
        });

        var error = Assert.Throws<OptionsValidationException>(factory.StartServer);
        Assert.Contains("Aggregator:Quality:SwingFactor", error.Message);
        Assert.Contains("Aggregator:Quality:OutlierMinPeers", error.Message);
    }
}
