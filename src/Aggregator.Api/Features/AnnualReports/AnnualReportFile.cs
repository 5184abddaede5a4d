using System.Text;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.AnnualReports;

/// <summary>The report's file name: ASCII for old clients, the report's Chinese title as filename* (RFC 5987).</summary>
public static class AnnualReportFile
{
    public static string Disposition(string orgCode, string unitName, int year) =>
        new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"annual-report-{Ascii(orgCode)}-{year}.docx",
            FileNameStar = $"{Domain.AnnualReports.AnnualReportText.TitleOf(unitName, year)}.docx",
        }.ToString();

    private static string Ascii(string code)
    {
        var safe = new StringBuilder(code.Length);
        foreach (var c in code) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return safe.ToString();
    }
}
