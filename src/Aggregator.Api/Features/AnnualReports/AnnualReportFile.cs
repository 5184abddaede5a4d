using Microsoft.Net.Http.Headers;

namespace Aggregator.Api.Features.AnnualReports;

/// <summary>The report's file name: ASCII for old clients, the report's Chinese title as filename* (RFC 5987).</summary>
public static class AnnualReportFile
{
    public static string Disposition(string orgCode, string unitName, int year) =>
        new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"annual-report-{Rollups.Export.Download.Ascii(orgCode)}-{year}.docx",
            FileNameStar = $"{Domain.AnnualReports.AnnualReportText.TitleOf(unitName, year)}.docx",
        }.ToString();
}
