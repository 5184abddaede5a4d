using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;
using FsCheck;
using FsCheck.Fluent;

namespace Aggregator.Domain.Tests.Support;

/// <summary>Reports built to satisfy a template: leaf values drawn at random, totals computed from them.</summary>
internal static class SatisfyingReports
{
    private const int Draws = 256;

    public static Arbitrary<int[]> Draw => Gen.Choose(0, 500).ArrayOf(Draws).ToArbitrary();

    public static ReportValues Bj2017(int[] draws)
    {
        var next = Cursor(draws);
        var values = TestCatalog.Bj2017.Indicators.ToDictionary(
            indicator => indicator.Code,
            indicator => indicator.ValueType == IndicatorValueType.Decimal ? next() / 100m : next());

        // 其中 items ≤ their parent, 重点领域 ≤ all items, channels together ≥ all items.
        values["1.2"] = Enumerable.Range(1, 12).Max(index => values[$"1.2.{index}"]) + next();
        values["1.1"] = Math.Max(values["1.2"], values["1.1.1"]) + next();
        values["1.3.5"] = values["1.1"] + next();
        values["2.2.1"] = values["2.2.1.1"] + next();
        values["2.2.2"] = values["2.2.2.1"] + next();

        values["3.3.4"] = Sum(values, Enumerable.Range(1, 6).Select(index => $"3.3.4.{index}"));
        foreach (var (total, count) in new[] { ("3.1", 4), ("3.2", 2), ("3.3", 8), ("4", 3), ("5", 3), ("8.3", 2) })
        {
            values[total] = Sum(values, Enumerable.Range(1, count).Select(index => $"{total}.{index}"));
        }

        return ReportValues.From(values.Select(pair => KeyValuePair.Create(pair.Key, (decimal?)pair.Value)));
    }

    public static ReportValues National(ReportTemplate template, int[] draws)
    {
        var next = Cursor(draws);
        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var indicator in template.Indicators.Where(indicator => indicator.Table!.StartsWith('2')))
        {
            var value = indicator.ValueType == IndicatorValueType.Decimal ? next() / 10_000m : next();
            values[indicator.Code] = indicator.AllowNegative ? value - 250 : value;
        }

        var applications = template.Tables.Single(table => table.Code == "3");
        var outcomeRows = applications.DataRows.Select(row => row.Code).Where(code => code.StartsWith("3.3.", StringComparison.Ordinal) && code != "3.3.7").ToList();
        string[] applicants = ["np", "biz", "res", "npo", "law", "oth"];
        foreach (var column in applicants)
        {
            outcomeRows.ForEach(row => values[$"{row}:{column}"] = next());
            var handled = values[$"3.3.7:{column}"] = outcomeRows.Sum(row => values[$"{row}:{column}"]);
            var carriedForward = values[$"3.4:{column}"] = next();
            var carriedOver = values[$"3.2:{column}"] = Math.Min(next(), handled + carriedForward);
            values[$"3.1:{column}"] = handled + carriedForward - carriedOver;
        }

        foreach (var row in applications.DataRows)
        {
            values[$"{row.Code}:total"] = applicants.Sum(column => values[$"{row.Code}:{column}"]);
        }

        foreach (var row in new[] { "4.1", "4.2", "4.3" })
        {
            string[] parts = ["upheld", "corrected", "other", "pending"];
            foreach (var part in parts)
            {
                values[$"{row}:{part}"] = next();
            }

            values[$"{row}:total"] = parts.Sum(part => values[$"{row}:{part}"]);
        }

        return ReportValues.From(values.Select(pair => KeyValuePair.Create(pair.Key, (decimal?)pair.Value)));
    }

    private static decimal Sum(Dictionary<string, decimal> values, IEnumerable<string> codes) => codes.Sum(code => values[code]);

    private static Func<decimal> Cursor(int[] draws)
    {
        var position = 0;
        return () => draws[position++ % draws.Length];
    }
}
