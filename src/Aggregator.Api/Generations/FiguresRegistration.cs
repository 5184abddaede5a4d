using Aggregator.Api.Features.Shared;

namespace Aggregator.Api.Generations;

public static class FiguresRegistration
{
    /// <summary>The figures' generations in memory, their listener, and the answers kept by them.</summary>
    public static IServiceCollection AddFigureAnswers(this IServiceCollection services)
    {
        services.AddOptions<FigureOptions>().BindConfiguration(FigureOptions.Section)
            .Validate(o => o.PollInterval >= TimeSpan.FromMilliseconds(50) && o.PollInterval <= TimeSpan.FromSeconds(5),
                "Aggregator:Figures:PollInterval must be between 00:00:00.05 and 00:00:05.")
            .ValidateOnStart();
        services.AddOptions<AnswerCacheOptions>().BindConfiguration(AnswerCacheOptions.Section)
            .Validate(o => o.MaxMegabytes is >= 1 and <= 65_536, "Aggregator:Cache:MaxMegabytes must be between 1 and 65536.")
            .ValidateOnStart();
        services.AddSingleton<FigureGenerations>();
        services.AddSingleton<FigureGenerationListener>();
        services.AddHostedService(provider => provider.GetRequiredService<FigureGenerationListener>());
        services.AddSingleton<FigureAnswers>();
        // Figure reads from standbys (Aggregator:Database:ReadReplicas); one that is down makes /health/ready degraded, never unhealthy.
        services.AddSingleton<FigureDb>();
        services.AddHealthChecks().AddCheck<Aggregator.Data.ReadReplicasCheck>("read-replicas", tags: ["ready"]);
        // First of the observers, whatever was registered before: the change is expected here before any announcer
        // (Aggregator.Jobs.FigureAnnouncer) sends it, so the reading its announcement causes is what clears it.
        services.Insert(0, ServiceDescriptor.Singleton<Aggregator.Data.IFiguresObserver, LocalFigureChanges>());
        return services;
    }
}
