using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Domain.Templates.Loading;

internal static class JsonFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static T Read<T>(string file, Stream content)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(content, Options)
                ?? throw new TemplateLoadException(file, "the file is empty (null)");
        }
        catch (JsonException exception)
        {
            throw new TemplateLoadException(file, $"invalid JSON: {exception.Message}", exception);
        }
    }
}
