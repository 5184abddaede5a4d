using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;

namespace Aggregator.Benchmarks;

/// <summary>Every cell of a national template filled, with rows and columns that add up.</summary>
internal static class FullNationalReport
{
    private static readonly string[] Applicants = ["np", "biz", "res", "npo", "law", "oth"];

    public static ReportValues For(ReportTemplate template)
    {
        var values = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        var seed = 1;
        foreach (var indicator in template.Indicators.Where(indicator => indicator.Table!.StartsWith('2')))
        {
            values[indicator.Code] = indicator.ValueType == IndicatorValueType.Decimal ? seed++ * 1.2345m : seed++;
        }

        var applications = template.Tables.Single(table => table.Code == "3");
        var outcomes = applications.DataRows.Select(row => row.Code).Where(code => code.StartsWith("3.3.", StringComparison.Ordinal) && code != "3.3.7").ToList();
        foreach (var column in Applicants)
        {
            outcomes.ForEach(row => values[$"{row}:{column}"] = seed++ % 7);
            var handled = outcomes.Sum(row => values[$"{row}:{column}"]!.Value);
            values[$"3.3.7:{column}"] = handled;
            values[$"3.4:{column}"] = 2;
            values[$"3.2:{column}"] = 1;
            values[$"3.1:{column}"] = handled + 1;
        }

        foreach (var row in applications.DataRows)
        {
            values[$"{row.Code}:total"] = Applicants.Sum(column => values[$"{row.Code}:{column}"]!.Value);
        }

        foreach (var row in new[] { "4.1", "4.2", "4.3" })
        {
            values[$"{row}:upheld"] = 1;
            values[$"{row}:corrected"] = 2;
            values[$"{row}:other"] = 0;
            values[$"{row}:pending"] = 1;
            values[$"{row}:total"] = 4;
        }

        return ReportValues.From(values);
    }
}
