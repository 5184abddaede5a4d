using Aggregator.Domain.Rules;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Tests.Support;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Aggregator.Domain.Tests;

public sealed class SatisfyingReportProperties
{
    [Property(MaxTest = 200)]
    public Property Should_accept_any_2017_report_whose_totals_add_up() =>
        Prop.ForAll(SatisfyingReports.Draw, draws => PassesEveryRule(TestCatalog.Bj2017, SatisfyingReports.Bj2017(draws)));

    [Property(MaxTest = 200)]
    public Property Should_accept_any_national_report_whose_row_and_column_totals_add_up() =>
        Prop.ForAll(SatisfyingReports.Draw, draws =>
            PassesEveryRule(TestCatalog.Cn2019, SatisfyingReports.National(TestCatalog.Cn2019, draws))
            && PassesEveryRule(TestCatalog.Cn2021, SatisfyingReports.National(TestCatalog.Cn2021, draws)));

    [Property(MaxTest = 300)]
    public Property Should_fail_exactly_the_rules_that_name_a_changed_part() =>
        Prop.ForAll(
            SatisfyingReports.Draw,
            Gen.Choose(0, 10_000).ToArbitrary(),
            Gen.Choose(1, 50).ToArbitrary(),
            (draws, pick, change) =>
            {
                foreach (var (template, values) in new[]
                {
                    (TestCatalog.Bj2017, SatisfyingReports.Bj2017(draws)),
                    (TestCatalog.Cn2019, SatisfyingReports.National(TestCatalog.Cn2019, draws)),
                    (TestCatalog.Cn2021, SatisfyingReports.National(TestCatalog.Cn2021, draws)),
                })
                {
                    var parts = template.Rules.Where(rule => rule.Kind == RuleKind.Sum).SelectMany(rule => rule.Right).Distinct().ToList();
                    var part = parts[pick % parts.Count];
                    var changed = values.With(part, values[part] + change);

                    var failed = ReportValidator.Validate(template, changed).Failures.Select(outcome => outcome.RuleId).ToHashSet();
                    var expected = template.Rules.Where(rule => rule.Operands.Contains(part) && (rule.Kind == RuleKind.Sum || !Holds(rule, changed)))
                        .Select(rule => rule.Id).ToHashSet();
                    if (!failed.SetEquals(expected) || expected.Count(id => template.FindRule(id)!.Kind == RuleKind.Sum) == 0)
                    {
                        return false;
                    }
                }

                return true;
            });

    private static bool PassesEveryRule(ReportTemplate template, ReportValues values)
    {
        var result = ReportValidator.Validate(template, values);
        return !result.HasErrors && result.Outcomes.All(outcome => outcome.Status == RuleStatus.Passed);
    }

    // The test's own reading of an inequality, to tell whether a changed part still satisfies it.
    private static bool Holds(ReportRule rule, ReportValues values)
    {
        var left = rule.Left.Sum(code => values[code]!.Value);
        var right = rule.Right.Sum(code => values[code]!.Value);
        return rule.Kind == RuleKind.LessOrEqual ? left <= right : left >= right;
    }
}
