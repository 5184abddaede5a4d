using Aggregator.Domain.Templates;
using Aggregator.Data;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>
/// report_values hold the values of the version that counts, one row per indicator of its template (a code not
/// reported is a missing value, as is null). Replaced whenever another version starts to count: a new version
/// while review is off, or an accepted one.
/// </summary>
public static class CountedValues
{
    public static Task ReplaceAsync(DbSession db, ReportTemplate template, Guid tenantId, long orgUnitId, int year,
        IReadOnlyDictionary<string, decimal?> reported)
    {
        var (codes, values) = Rows(template, reported);
        return Data.ReplaceValuesAsync(db, tenantId, orgUnitId, year, codes, values);
    }

    /// <summary>The rows as two arrays for unnest: every indicator of the template, with its value or null.</summary>
    public static (string[] Codes, decimal?[] Values) Rows(ReportTemplate template, IReadOnlyDictionary<string, decimal?> reported)
    {
        var codes = new string[template.Indicators.Count];
        var values = new decimal?[codes.Length];
        for (var index = 0; index < codes.Length; index++)
        {
            codes[index] = template.Indicators[index].Code;
            values[index] = reported.GetValueOrDefault(codes[index]);
        }
        return (codes, values);
    }
}
