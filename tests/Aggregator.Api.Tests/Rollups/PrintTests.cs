using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Aggregator.Api.Features.Rollups.Export;
using Aggregator.Api.Tests.Infrastructure;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// The official table (汇总表) as paper: A4 landscape, one page wide, the column headings on every page, the codes
/// left off the print, a block to sign under the table, and rendered by LibreOffice as a few pages that read as the form.
/// </summary>
public sealed partial class PrintTests
{
    // 2018-01-31 20:00 UTC is already 1 February in Beijing.
    private static readonly DateTime ComputedAt = new(2018, 1, 31, 20, 0, 0, DateTimeKind.Utc);
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static StoredRollup Rollup(string template = SeedReport.Template) => new(1, "110102", "西城区", 2017,
        SeedReport.Catalog.Find(template)!, ComputedAt, false, 3, 2,
        SeedReport.Values.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal), []);

    private static byte[] Workbook(StoredRollup rollup) => XlsxWorkbook.Write([OfficialTable.Build(rollup, Beijing), UnitsTable.Build(rollup)]);

    [Fact]
    public void Should_print_the_official_table_on_a4_landscape_one_page_wide_with_its_headings_on_every_page_and_without_the_codes()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(Workbook(Rollup())), false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == OfficialTable.SheetName);
        var worksheet = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;

        var setup = worksheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal(9u, setup.PaperSize!.Value);
        Assert.Equal(1u, setup.FitToWidth!.Value);
        Assert.Equal(0u, setup.FitToHeight!.Value);
        Assert.True(worksheet.GetFirstChild<SheetProperties>()?.PageSetupProperties?.FitToPage?.Value, "fitToPage makes the FitTo numbers count");

        var names = workbook.Workbook.DefinedNames!.Elements<DefinedName>().Where(n => n.LocalSheetId?.Value == 0).ToDictionary(n => n.Name!.Value!, n => n.Text);
        var rows = worksheet.Descendants<Row>().ToList();
        // The column headings (序号 … 代码) repeat at the top of every page.
        var heading = rows.Single(row => row.Descendants<Text>().Any(text => text.Text == "序号")).RowIndex!.Value;
        Assert.Equal($"'汇总表'!${heading}:${heading}", names["_xlnm.Print_Titles"]);
        // The print area stops at 数值 (D): the codes in E stay in the file for programs, off the paper.
        var codes = rows.Single(row => row.RowIndex! == heading).Elements<Cell>().Single(cell => cell.InnerText == "代码").CellReference!.Value!;
        Assert.StartsWith("E", codes, StringComparison.Ordinal);
        Assert.Equal($"'汇总表'!$A$1:$D${rows.Count}", names["_xlnm.Print_Area"]);

        // The long labels wrap in rows tall enough for their lines.
        var longLabel = rows.Single(row => row.Descendants<Text>().Any(text => text.Text.StartsWith("主动公开农用地转为建设用地批准", StringComparison.Ordinal)));
        Assert.True(longLabel.CustomHeight?.Value == true && longLabel.Height!.Value >= 30, $"the row of 1.2.7 is {longLabel.Height?.Value} points tall");

    }

    [Fact]
    public void Should_print_each_units_figures_from_the_labels_with_the_unit_headings_and_labels_on_every_page_eight_units_a_page_wide()
    {
        var units = Enumerable.Range(1, 12).Select(i => new ReportingUnit(i, $"1101020{i:00}", $"第{i}街道", SeedReport.Values.ToDictionary(StringComparer.Ordinal))).ToList();
        using var document = SpreadsheetDocument.Open(new MemoryStream(Workbook(Rollup() with { Units = units })), false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().Single(s => s.Name == UnitsTable.SheetName);
        var setup = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal(2u, setup.FitToWidth!.Value); // 12 units: two pages wide, eight units a page at most
        Assert.Equal(0u, setup.FitToHeight!.Value);

        var names = workbook.Workbook.DefinedNames!.Elements<DefinedName>().Where(n => n.LocalSheetId?.Value == 1).ToDictionary(n => n.Name!.Value!, n => n.Text);
        // From 指标名称 (B) to the last unit (O: 3 label columns + 12 units); the codes in A stay off the paper.
        Assert.Equal("'各单位'!$B$1:$O$" + (2 + 1 + SeedReport.Catalog.Find(SeedReport.Template)!.Indicators.Count), names["_xlnm.Print_Area"]);
        Assert.Equal("'各单位'!$B:$C,'各单位'!$2:$3", names["_xlnm.Print_Titles"]);
    }

    [Fact]
    public void Should_sign_the_form_under_the_table_with_the_unit_and_the_day_the_figures_were_consolidated_in_the_tenants_zone()
    {
        var table = SheetRead.ReadWorkbook(Workbook(Rollup()))[OfficialTable.SheetName];
        var lines = table.Rows.Select(row => row.Count > 0 ? row[0]?.Text : null).ToList();
        var signatures = table.Rows.Count - 1;
        Assert.True(signatures > table.RowWhere(4, "7") + 1, "the signature line comes under the table's last row, a line apart");
        Assert.Equal("填报单位：西城区　　单位负责人：＿＿＿＿＿＿＿＿　　填报人：＿＿＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿＿＿　　填报日期：2018年2月1日",
            lines[signatures]);
        Assert.Contains($"A{signatures + 1}:D{signatures + 1}", table.Merges);

        // A name typed without end makes the line tall, never taller than Excel allows (409 points).
        var endless = Rollup() with { Name = string.Concat(Enumerable.Repeat("西城区", 2000)) };
        using var document = SpreadsheetDocument.Open(new MemoryStream(Workbook(endless)), false);
        var heights = document.WorkbookPart!.WorksheetParts.SelectMany(part => part.Worksheet.Descendants<Row>()).Select(row => row.Height?.Value ?? 0).ToList();
        Assert.Equal(409d, heights.Max());

        // The national format (matrices, no code column) signs the same way and prints every column.
        var national = SheetRead.ReadWorkbook(Workbook(Rollup("cn-gip-2021")))[OfficialTable.SheetName];
        Assert.EndsWith("填报日期：2018年2月1日", national.Text(national.Rows.Count - 1, 0), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SeedReport.Template, 3)]
    [InlineData("cn-gip-2021", 4)]
    public async Task Should_render_in_libreoffice_as_a_few_landscape_pages_each_with_labels_and_figures_side_by_side(string template, int mostPages)
    {
        // Only the official table: LibreOffice prints every sheet, so the file holds just that one.
        var printed = await PrintedAsync(XlsxWorkbook.Write([OfficialTable.Build(Rollup(template), Beijing)]), template);
        Assert.InRange(printed.Pages.Count, 1, mostPages);

        // One page wide: the first page holds the labels and their figures, the codes not at all.
        var first = printed.Pages[0];
        Assert.Contains("主动公开", first, StringComparison.Ordinal);
        if (template == SeedReport.Template)
        {
            Assert.Contains("序号", first, StringComparison.Ordinal);
            var documents = SeedReport.Values.Single(pair => pair.Key == "1.1.2").Value!.Value;
            Assert.Matches($@"制发规范性文件总数[^\n]*\s{Figures.Text(documents)}(\s|$)", first);
            Assert.DoesNotContain("代码", first, StringComparison.Ordinal);
        }

        var all = string.Join('\n', printed.Pages);
        // The time the figures were taken, in the reader's words (the zone's id is for programs).
        Assert.Contains("（北京时间）", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Asia/Shanghai", all, StringComparison.Ordinal);
        Assert.Matches(@"填报单位：西城区\s+单位负责人：＿+\s+填报人：＿+\s+审核人：＿+\s+填报日期：2018年2月1日", all);
        if (printed.Pages.Count > 1 && template == SeedReport.Template)
            Assert.Contains("序号", printed.Pages[^1], StringComparison.Ordinal); // the headings repeat
    }

    /// <summary>
    /// A workbook as LibreOffice prints it (every sheet, in order): the text of each page, -layout, after checking
    /// that every page is A4 landscape. AGGREGATOR_PRINT_OUT=dir keeps the workbook and its PDF to look at.
    /// </summary>
    internal static async Task<(IReadOnlyList<string> Pages, string Pdf)> PrintedAsync(byte[] workbook, string name)
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-print-");
        try
        {
            var xlsx = Path.Combine(directory.FullName, "rollup.xlsx");
            await File.WriteAllBytesAsync(xlsx, workbook);
            await RunAsync("soffice", "libreoffice-calc (soffice) is not installed; .ci/run installs it (apt-get install -y libreoffice-calc)",
                $"-env:UserInstallation=file://{directory.FullName}/profile", "--headless", "--convert-to", "pdf", "--outdir", directory.FullName, xlsx);
            var pdf = Path.Combine(directory.FullName, "rollup.pdf");
            Assert.True(File.Exists(pdf), "soffice wrote no PDF");
            if (Environment.GetEnvironmentVariable("AGGREGATOR_PRINT_OUT") is { Length: > 0 } keep)
            {
                Directory.CreateDirectory(keep);
                File.Copy(xlsx, Path.Combine(keep, $"{name}.xlsx"), overwrite: true);
                File.Copy(pdf, Path.Combine(keep, $"{name}.pdf"), overwrite: true);
            }

            var info = await RunAsync("pdfinfo", "pdfinfo (poppler-utils) is not installed", "-f", "1", "-l", "1000", pdf);
            var count = int.Parse(PagesLine().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);
            foreach (Match size in PageSize().Matches(info))
            {
                var (width, height) = (double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture));
                Assert.True(width > height, $"a page is {width} × {height} pts, not landscape");
                Assert.InRange(width, 830, 850); // A4 landscape: 842 × 595 pts
            }
            // pdftotext separates pages with a form feed.
            var text = await RunAsync("pdftotext", "pdftotext (poppler-utils) is not installed", "-layout", pdf, "-");
            var pages = text.Split('\f').Take(count).ToList();
            Assert.Equal(count, pages.Count);
            return (pages, pdf);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(string program, string missing, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new Xunit.Sdk.XunitException(missing);
        }
        using (process)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await error}");
            return await output;
        }
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();

    [GeneratedRegex(@"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts")]
    private static partial Regex PageSize();
}
