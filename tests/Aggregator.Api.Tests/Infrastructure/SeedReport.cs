using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Domain.Templates;

namespace Aggregator.Api.Tests.Infrastructure;

/// <summary>The statistics table at the end of the 陶然亭街道 2017 report, read from the fixture (as the Domain tests do).</summary>
public static partial class SeedReport
{
    public const string Template = "bj-gip-2017";
    public const int Year = 2017;

    public sealed record Row(string Label, string Unit, string Value);

    public static string FixturePath => Path.Combine(AppContext.BaseDirectory, "fixtures", "taoranting-2017-gip-annual-report.txt");

    public static string Text => File.ReadAllText(FixturePath);

    public static TemplateCatalog Catalog { get; } = TemplateCatalog.LoadFromDirectory(Path.Combine(AppContext.BaseDirectory, "templates"));

    /// <summary>Label (with its numbering), unit and value text of every row, headings included, as printed.</summary>
    public static IReadOnlyList<Row> Rows { get; } = ReadRows();

    /// <summary>The seed's figures by code in the template's order; <c>7</c> (fees) is null: left blank.</summary>
    public static IReadOnlyList<KeyValuePair<string, decimal?>> Values { get; } = ReadValues();

    private static List<Row> ReadRows()
    {
        var lines = File.ReadAllLines(FixturePath);
        var header = Array.FindIndex(lines, line => line.StartsWith('\t') && Spaces().Replace(line, "") == "统计指标");
        var cells = lines.Skip(header + 3).Where(line => line.StartsWith('\t')).Select(line => line[1..].Trim(' ', '\u00a0', '\u3000')).ToList();
        var rows = new List<Row>();
        for (var index = 0; index + 2 < cells.Count; index += 3) rows.Add(new Row(cells[index], cells[index + 1], cells[index + 2]));
        return rows;
    }

    private static List<KeyValuePair<string, decimal?>> ReadValues() =>
        Catalog.Find(Template)!.Layout.Zip(Rows)
            .Where(pair => !pair.First.IsGroup)
            .Select(pair => KeyValuePair.Create(pair.First.Code,
                pair.Second.Value.Length == 0 ? (decimal?)null : decimal.Parse(pair.Second.Value, CultureInfo.InvariantCulture)))
            .ToList();

    [GeneratedRegex(@"\s")]
    private static partial Regex Spaces();
}
