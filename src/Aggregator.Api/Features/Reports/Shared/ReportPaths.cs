using System.Globalization;

namespace Aggregator.Api.Features.Reports.Shared;

public static class ReportPaths
{
    public static string Version(string tenant, string org, int year, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/v1/tenants/{Uri.EscapeDataString(tenant)}/org-units/{Uri.EscapeDataString(org)}/reports/{year}/versions/{version}");
}
