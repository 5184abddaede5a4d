using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastEndpoints;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Aggregator.Api.OpenApi;

/// <summary>
/// Swashbuckle reads FastEndpoints' endpoints through ApiExplorer, which does not know how FastEndpoints
/// binds a request DTO: every property looks like body, even on GET, and route and query parameters are
/// missing. This filter rebuilds each operation's parameters and body from FastEndpoints' own
/// EndpointDefinition: route parameters from the route template, query parameters for the other
/// properties of a bodyless request, a body of only the remaining properties, and the problem-details
/// answers the pipeline can give.
/// </summary>
public sealed partial class FastEndpointsOperationFilter : IOperationFilter
{
    private const string ProblemContentType = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var definition = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<EndpointDefinition>().FirstOrDefault();
        if (definition is null) return;

        if (definition.EndpointSummary is { } summary)
        {
            operation.Summary = summary.Summary;
            if (!string.IsNullOrWhiteSpace(summary.Description)) operation.Description = summary.Description;
        }
        operation.Description = OperationText.Describe(operation.Summary, operation.Description,
            context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Auth.EndpointAccess>().FirstOrDefault(),
            anonymous: definition.AnonymousVerbs is { Length: > 0 });
        operation.Summary = OperationText.FirstSentence(operation.Summary);

        if (definition.EndpointType is { } endpointType) operation.OperationId = OperationIds.For(endpointType);

        var method = context.ApiDescription.HttpMethod ?? "GET";
        var routeNames = RouteParameters().Matches(context.ApiDescription.RelativePath ?? "")
            .Select(m => m.Groups["name"].Value).ToList();
        var properties = RequestProperties(definition.ReqDtoType);
        var bodyless = method is "GET" or "DELETE" or "HEAD";

        var parameters = new List<IOpenApiParameter>();
        foreach (var name in routeNames)
        {
            var property = properties.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = property is null
                    ? new OpenApiSchema { Type = JsonSchemaType.String }
                    : context.SchemaGenerator.GenerateSchema(property.PropertyType, context.SchemaRepository, memberInfo: property),
            });
        }

        var remaining = properties.Where(p => !routeNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var query = bodyless ? remaining : remaining.Where(p => p.GetCustomAttribute<QueryParamAttribute>() is not null).ToList();
        var body = remaining.Except(query).ToList();
        foreach (var property in query)
        {
            var schema = context.SchemaGenerator.GenerateSchema(property.PropertyType, context.SchemaRepository, memberInfo: property);
            parameters.Add(new OpenApiParameter
            {
                Name = JsonNamingPolicy.CamelCase.ConvertName(property.Name),
                In = ParameterLocation.Query,
                Required = false,
                // The property's XML doc comment, which the schema generator put on the schema.
                Description = schema.Description,
                Schema = schema,
            });
        }
        foreach (var header in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestHeader>())
        {
            parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = header.Required,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        // The request DTO is described as parameters and body; its own schema would mislead. The body alone
        // takes its name, so that generated clients get a named type rather than Body1, Body2…
        if (definition.ReqDtoType is { } requestType) context.SchemaRepository.Schemas.Remove(SchemaIds.For(requestType));
        // A request with a file is a form upload; any other body is JSON, of the JSON media type the endpoint accepts
        // (application/merge-patch+json for a PATCH).
        var accepts = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().ToList();
        var contentType = body.Any(p => p.PropertyType == typeof(IFormFile)) ? "multipart/form-data"
            : accepts.SelectMany(accept => accept.ContentTypes).LastOrDefault(type => type.EndsWith("+json", StringComparison.Ordinal))
              ?? "application/json";
        // Required unless the operation declares its body optional (a review move's comment: WithOptionalBody).
        var optional = accepts.LastOrDefault()?.IsOptional == true;
        operation.RequestBody = bodyless || body.Count == 0 ? null : new OpenApiRequestBody
        {
            Required = !optional,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [contentType] = new OpenApiMediaType
                {
                    Schema = contentType != "multipart/form-data"
                        ? context.SchemaRepository.AddDefinition(SchemaIds.For(definition.ReqDtoType!), BodySchema(body, context))
                        : BodySchema(body, context),
                },
            },
        };
        operation.Parameters = parameters;
        // A path parameter that is not free text (a year, a version number, a key id) can be malformed: FastEndpoints
        // answers 400 before the endpoint runs. Free-text codes (tenant, org, template) name nothing and answer 404.
        var malformablePath = parameters.Any(p => p.In == ParameterLocation.Path && !IsFreeText(p.Schema));
        AddProblemResponses(operation, context, definition, hasPathParameters: routeNames.Count > 0,
            hasInput: remaining.Count > 0 || malformablePath, hasBody: operation.RequestBody is not null);
        AddExamples(operation, definition.EndpointSummary);
        DownloadSchemas.Apply(operation);
    }

    /// <summary>A string without a format: any text is well formed, however little it names.</summary>
    private static bool IsFreeText(IOpenApiSchema? schema) =>
        schema is null || (schema.Type == JsonSchemaType.String && string.IsNullOrEmpty(schema.Format) && schema.Pattern is null);

    /// <summary>The examples an endpoint gives in its Summary(): the request body's and each answer's.</summary>
    private static void AddExamples(OpenApiOperation operation, EndpointSummary? summary)
    {
        if (summary is null) return;
        if (summary.ExampleRequest is { } request && operation.RequestBody?.Content is { } bodies)
            foreach (var media in bodies.Values.OfType<OpenApiMediaType>())
                media.Example = JsonSerializer.SerializeToNode(request, request.GetType(), JsonSerializerOptions.Web);
        foreach (var (status, example) in summary.ResponseExamples)
        {
            if (operation.Responses?.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) != true
                || response!.Content is null) continue;
            foreach (var media in response.Content.Values.OfType<OpenApiMediaType>())
                media.Example = JsonSerializer.SerializeToNode(example, example.GetType(), JsonSerializerOptions.Web);
        }
    }

    private static OpenApiSchema BodySchema(IReadOnlyList<PropertyInfo> properties, OperationFilterContext context)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string>(),
        };
        foreach (var property in properties)
        {
            // The name the body carries: a member renamed on the wire ([JsonPropertyName]) is documented by that name.
            var name = property.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name
                       ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            schema.Properties[name] = context.SchemaGenerator.GenerateSchema(property.PropertyType, context.SchemaRepository, memberInfo: property);
            if (property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null) continue;
            if (new NullabilityInfoContext().Create(property).WriteState == NullabilityState.NotNull) schema.Required.Add(name);
        }
        return schema;
    }

    private static void AddProblemResponses(OpenApiOperation operation, OperationFilterContext context,
        EndpointDefinition definition, bool hasPathParameters, bool hasInput, bool hasBody)
    {
        operation.Responses ??= new OpenApiResponses();
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;

        void Add(int status, string description)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var content = new Dictionary<string, IOpenApiMediaType>
            {
                [ProblemContentType] = new OpenApiMediaType { Schema = ProblemSchemaFor(status, context) },
            };
            if (operation.Responses.TryGetValue(key, out var existing) && existing is OpenApiResponse declared)
            {
                // Declared by FastEndpoints or the endpoint: give it the problem body and say when it happens.
                declared.Description = description;
                declared.Content = content;
                return;
            }
            operation.Responses[key] = new OpenApiResponse { Description = description, Content = content };
        }

        if (hasInput) Add(400, "The request is malformed (a path or query parameter that is not of its type, a body that cannot be read) or a field is invalid; errors names each field.");
        if (definition.AnonymousVerbs is null || definition.AnonymousVerbs.Length == 0)
        {
            Add(401, "No X-Api-Key header, or the key is unknown or revoked.");
            // The roles each endpoint declares (EndpointAccess): an endpoint every role may call never answers 403.
            var access = metadata.OfType<Auth.EndpointAccess>().FirstOrDefault();
            if (access is null || !access.OpenToEveryRole)
                Add(403, access is null || access.Roles.Count == 0
                    ? "Only the platform admin's key may do this."
                    : $"The key's role may not do this; it takes: {string.Join(", ", access.Roles)}" +
                      (access.PlatformAdmin ? " (or the platform admin)." : "; not the platform admin (/problems/separation-of-duties)."));
        }
        if (hasPathParameters) Add(404, "Not found, or outside the key's scope.");
        if (hasBody)
        {
            Add(413, "The body is larger than 1 MiB.");
            Add(415, "The body is not of a media type this operation reads (see requestBody).");
        }
        // Every operation counts against its key's rate limit (Limits/RateLimits); imports and recomputes against a stricter one too.
        var policy = metadata.OfType<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>().FirstOrDefault()?.PolicyName;
        Add(429, policy == Limits.RateLimits.StrictPolicy
            ? "The key made too many requests, or too many imports and recomputes, in the last minute; try again after Retry-After seconds."
            : policy == Limits.RateLimits.PublicPolicy
            ? "The client address (or the key it sent) made too many requests, or too many public reads, in the last minute; try again after Retry-After seconds."
            : metadata.OfType<Limits.ExpensiveRead>().FirstOrDefault() is { } expensive
                ? "The key or its org unit made too many requests in the last minute (type /problems/rate-limited), or, " + expensive.When +
                  " the tenant already runs Aggregator:RateLimit:ExpensiveConcurrency expensive reads at once (type " +
                  "/problems/too-many-expensive-reads); try again after Retry-After seconds."
                : "The key, its org unit (or, without a valid key, the address) made too many requests in the last minute; try again after Retry-After seconds.");
        Add(500, "The server failed; the answer carries a traceId, never a stack trace.");
        AddUnavailable(operation, Add);
        foreach (var declared in metadata.OfType<ProblemResponses>())
            Add(declared.Status, declared.Status == StatusCodes.Status400BadRequest && hasInput
                // The endpoint's own 400 comes on top of the malformed request every input can be.
                ? $"{declared.Description} Or the request is malformed (a path or query parameter not of its type, a body that cannot be read); errors names each field."
                : declared.Description);
        foreach (var header in metadata.OfType<ResponseHeader>())
        {
            if (operation.Responses[header.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not OpenApiResponse answered) continue;
            answered.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answered.Headers[header.Name] = new OpenApiHeader
            {
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
            };
        }

        if (operation.Responses["429"] is OpenApiResponse limited)
            limited.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds until the limit lets a request through again.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                },
            };

        foreach (var status in operation.Responses.Keys.Where(k => k.StartsWith('4') || k.StartsWith('5')).ToList())
        {
            if (operation.Responses[status] is OpenApiResponse { Content: null or { Count: 0 } } empty)
                empty.Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [ProblemContentType] = new OpenApiMediaType { Schema = ProblemSchemaFor(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), context) },
                };
        }
    }

    /// <summary>
    /// 503 <c>/problems/unavailable</c>: every operation reads the database (API keys included), which may be
    /// restarting or unreachable after the retries, or take no writes (read-only, disk full). With Retry-After.
    /// </summary>
    private static void AddUnavailable(OpenApiOperation operation, Action<int, string> add)
    {
        add(503, "The database is unavailable (unreachable or restarting after the server's own retries), or takes no writes at the moment " +
                 "(read-only, out of disk space) while reads go on; type /problems/unavailable. Nothing was stored unless the detail says " +
                 "a commit broke off unanswered. Retry-After says when to try again.");
        if (operation.Responses!["503"] is OpenApiResponse unavailable)
            unavailable.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                },
            };
    }

    /// <summary>The problem body a status carries: each status with extension members has its own schema.</summary>
    private static IOpenApiSchema ProblemSchemaFor(int status, OperationFilterContext context) =>
        context.SchemaGenerator.GenerateSchema(status switch
        {
            StatusCodes.Status400BadRequest => typeof(ValidationProblem),
            StatusCodes.Status404NotFound => typeof(NotFoundProblem),
            StatusCodes.Status409Conflict => typeof(ConflictProblem),
            StatusCodes.Status412PreconditionFailed => typeof(PreconditionProblem),
            StatusCodes.Status422UnprocessableEntity => typeof(RuleProblem),
            _ => typeof(Problem),
        }, context.SchemaRepository);

    private static IReadOnlyList<PropertyInfo> RequestProperties(Type? requestType) =>
        requestType is null || requestType == typeof(EmptyRequest)
            ? []
            : requestType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                // [JsonExtensionData] gathers the members a body must not have, to refuse them by name: not a member to document.
                .Where(p => p.CanWrite && p.GetCustomAttribute<System.Text.Json.Serialization.JsonExtensionDataAttribute>() is null).ToList();

    [GeneratedRegex(@"\{(?<name>[A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameters();
}
