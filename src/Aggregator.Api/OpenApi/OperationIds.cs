namespace Aggregator.Api.OpenApi;

/// <summary>
/// Operation ids from the slice: Features.Reports.Submit.Endpoint becomes Reports_Submit and
/// Features.Rollups.Export.Xlsx.Endpoint becomes Rollups_ExportXlsx. Generators read the part before the
/// underscore as the client and the rest as the method (ReportsClient.SubmitAsync).
/// </summary>
public static class OperationIds
{
    private const string FeaturesNamespace = "Aggregator.Api.Features.";

    public static string For(Type endpointType)
    {
        var ns = endpointType.Namespace ?? "";
        if (!ns.StartsWith(FeaturesNamespace, StringComparison.Ordinal)) return endpointType.Name;
        var segments = ns[FeaturesNamespace.Length..].Split('.');
        return segments.Length == 1 ? segments[0] : $"{segments[0]}_{string.Concat(segments[1..])}";
    }
}
