using Microsoft.OpenApi;

namespace Aggregator.Api.OpenApi;

public static class OpenApiRegistration
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/swagger/v1/swagger.json";

    public static WebApplicationBuilder AddOpenApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "Aggregator",
                Version = "v1",
                Description = "Collects the yearly government information disclosure statistics of a district's reporting units and publishes consolidated figures.",
            });
            options.CustomSchemaIds(SchemaIds.For);
            // Figures are exact decimals, never binary floating point: generated clients read them as decimal.
            options.MapType<decimal>(() => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "decimal" });
            options.MapType<decimal?>(() => new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = "decimal" });
            options.SupportNonNullableReferenceTypes();
            options.IncludeXmlComments(typeof(OpenApiRegistration).Assembly);
            options.SchemaFilter<VocabularySchemaFilter>();
            options.SchemaFilter<RequiredMembersSchemaFilter>();
            options.OperationFilter<FastEndpointsOperationFilter>();
            options.DocumentFilter<ContractDocumentFilter>();
            options.AddSecurityDefinition("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "An API key from POST /api/v1/tenants/{tenant}/api-keys, or the bootstrap admin key.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("ApiKey", document)] = [],
            });
        });
        return builder;
    }

    public static WebApplication UseOpenApiDocument(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(ui => ui.SwaggerEndpoint(DocumentPath, "Aggregator v1"));
        return app;
    }
}
