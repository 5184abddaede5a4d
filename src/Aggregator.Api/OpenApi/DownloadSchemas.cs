using Microsoft.OpenApi;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// The schema of an answer that is not JSON: text (<c>text/csv</c>) is a string, a file (.xlsx, .docx) a binary
/// string. Swashbuckle gives every media type of an answer the response type's schema, which for a CSV would
/// describe a JSON object the answer never is.
/// </summary>
public static class DownloadSchemas
{
    public static void Apply(OpenApiOperation operation)
    {
        foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
            foreach (var (mediaType, media) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
            {
                if (IsJson(mediaType) || media is not OpenApiMediaType target) continue;
                target.Schema = mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
                    ? new OpenApiSchema { Type = JsonSchemaType.String }
                    : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                target.Example = null;
            }
    }

    /// <summary>application/json, application/problem+json and any other <c>+json</c> type.</summary>
    public static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
}
