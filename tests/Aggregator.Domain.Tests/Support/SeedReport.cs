using System.Text.RegularExpressions;
using Aggregator.Domain.Values;

namespace Aggregator.Domain.Tests.Support;

/// <summary>The statistics table at the end of the 陶然亭街道 2017 report, read from the fixture.</summary>
internal static partial class SeedReport
{
    public sealed record Row(string Numbering, string Label, string Unit, string Value);

    public static string FixturePath => Path.Combine(AppContext.BaseDirectory, "fixtures", "taoranting-2017-gip-annual-report.txt");

    /// <summary>Rows are tab-indented triples: label line, unit line, value line, after the 统计指标/单位/统计数 header.</summary>
    public static IReadOnlyList<Row> Rows { get; } = ReadRows();

    /// <summary>The seed's figures by code, in the order of the template's indicators (groups skipped).</summary>
    public static ReportValues Values { get; } = ReadValues();

    public static ReportInput Input => ReportInput.From(Values);

    public static (string Numbering, string Label) StripNumbering(string label)
    {
        var match = Numbering().Match(label);
        return (match.Value, label[match.Length..]);
    }

    private static List<Row> ReadRows()
    {
        var lines = File.ReadAllLines(FixturePath);
        var header = Array.FindIndex(lines, line => line.StartsWith('\t') && line.Replace("\u00a0", string.Empty).Replace(" ", string.Empty).Trim() == "统计指标");
        var cells = lines.Skip(header + 3).Where(line => line.StartsWith('\t')).Select(line => line[1..]).ToList();
        var rows = new List<Row>();
        for (var index = 0; index + 2 < cells.Count; index += 3)
        {
            var (numbering, label) = StripNumbering(cells[index].Trim(' ', '\u00a0', '\u3000'));
            rows.Add(new Row(numbering, label, cells[index + 1].Trim(), cells[index + 2].Trim()));
        }

        return rows;
    }

    private static ReportValues ReadValues()
    {
        var layout = TestCatalog.Bj2017.Layout;
        return ReportValues.From(layout.Zip(Rows)
            .Where(pair => !pair.First.IsGroup)
            .Select(pair => KeyValuePair.Create(pair.First.Code, pair.Second.Value.Length == 0 ? (decimal?)null : decimal.Parse(pair.Second.Value))));
    }

    [GeneratedRegex(@"^(其中：|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")]
    private static partial Regex Numbering();
}
