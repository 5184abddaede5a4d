namespace Aggregator.Client;

/// <summary>
/// The HttpClient the generated clients share: the API's base address and the caller's key on every request.
/// <code>
/// using var http = AggregatorHttp.Create(new Uri("https://aggregator.example.org"), apiKey);
/// var reports = new ReportsClient(http);
/// </code>
/// </summary>
public static class AggregatorHttp
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// A client of its own that takes gzip: figure reads (rollups, tables, comparisons, their .csv) are kept compressed by
    /// the API and come over in a fraction of their size.
    /// </summary>
    public static HttpClient Create(Uri baseAddress, string apiKey) =>
        Configure(new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip }), baseAddress, apiKey);

    /// <summary>Points an HttpClient of the caller's (e.g. from IHttpClientFactory) at the API with a key.</summary>
    public static HttpClient Configure(HttpClient http, Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        // The generated clients use relative paths (api/v1/…): without a trailing slash a base path would be dropped.
        http.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        http.DefaultRequestHeaders.Remove(ApiKeyHeader);
        http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        return http;
    }
}
