using Aggregator.Domain.Quality;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Features.Quality;

/// <summary>
/// Aggregator:Quality — the thresholds of the data-quality flags (<see cref="QualityThresholds"/>, bound as they
/// are and checked at start-up), and the words the API uses for the kinds of flag.
/// </summary>
public static class QualityOptions
{
    public const string Section = "Aggregator:Quality";

    public static IServiceCollection AddQualityThresholds(this IServiceCollection services)
    {
        services.AddOptions<QualityThresholds>().BindConfiguration(Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QualityThresholds>, Validation>();
        return services;
    }

    public static string Word(FlagKind kind) => kind.ToString().ToLowerInvariant();

    public static IEnumerable<string> Words => Enum.GetValues<FlagKind>().Select(Word);

    /// <summary>Start-up fails naming each setting that cannot be used, e.g. Aggregator:Quality:SwingFactor.</summary>
    private sealed class Validation : IValidateOptions<QualityThresholds>
    {
        public ValidateOptionsResult Validate(string? name, QualityThresholds options) =>
            options.Problems() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems.Select(problem => $"{Section}:{problem}"))
                : ValidateOptionsResult.Success;
    }
}
