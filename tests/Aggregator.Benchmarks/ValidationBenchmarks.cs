using System.Text.Json;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using BenchmarkDotNet.Attributes;

namespace Aggregator.Benchmarks;

/// <summary>Validating one submission: the budget is well under 50 µs for a full cn-gip-2021 report.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private ReportTemplate national = null!;
    private ReportTemplate beijing = null!;
    private ReportInput nationalReport = null!;
    private ReportInput seedReport = null!;
    private JsonDocument nationalJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        var catalog = TemplateCatalog.LoadFromDirectory(Path.Combine(AppContext.BaseDirectory, "templates"));
        national = catalog.Find("cn-gip-2021")!;
        beijing = catalog.Find("bj-gip-2017")!;
        var nationalValues = FullNationalReport.For(national);
        nationalReport = ReportInput.From(nationalValues);
        seedReport = ReportInput.From(SeedValues.Taoranting2017);
        nationalJson = JsonDocument.Parse(JsonSerializer.Serialize(nationalValues.ToDictionary(pair => pair.Key, pair => pair.Value)));

        Require(ReportValidator.Validate(national, nationalReport));
        Require(ReportValidator.Validate(beijing, seedReport));
    }

    [GlobalCleanup]
    public void Cleanup() => nationalJson.Dispose();

    [Benchmark(Description = "cn-gip-2021 full valid report")]
    public ValidationResult ValidateNational() => ReportValidator.Validate(national, nationalReport);

    [Benchmark(Description = "cn-gip-2021 from JSON (parse values + validate)")]
    public ValidationResult ValidateNationalFromJson() => ReportValidator.Validate(national, ReportInput.FromJson(nationalJson.RootElement));

    [Benchmark(Description = "bj-gip-2017 seed report")]
    public ValidationResult ValidateSeed() => ReportValidator.Validate(beijing, seedReport);

    private static void Require(ValidationResult result)
    {
        if (result.HasErrors || result.Outcomes.Any(outcome => outcome.Status != RuleStatus.Passed))
        {
            throw new InvalidOperationException($"{result.Template.Code} benchmark report does not pass every rule");
        }
    }
}
