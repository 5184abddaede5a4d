using System.Text;
using Aggregator.Api.Features.Rollups.Export;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>The CSV download's writing: quoting, the byte-order mark, figures as written, and formula-like text defused.</summary>
public sealed class CsvTableTests
{
    [Fact]
    public void Should_quote_what_needs_quotes_defuse_formulas_and_keep_figures_as_they_are()
    {
        var sheet = new Sheet("汇总表", [10, 10, 10, 10]);
        sheet.Add(RowKind.Title, "西城区, \"新\"街道", "=HYPERLINK(\"http://x\")", "两行\n文字", null);
        sheet.Add(RowKind.Figures, "三、", -12.5m, 975m, 3);

        var bytes = CsvTable.Write(sheet);

        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal(
            "\"西城区, \"\"新\"\"街道\",\"'=HYPERLINK(\"\"http://x\"\")\",\"两行\n文字\",\r\n" +
            "三、,-12.5,975,3\r\n",
            text);
    }
}
