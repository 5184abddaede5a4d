using Microsoft.Extensions.DependencyInjection.Extensions;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Input;
using Aggregator.Data;
using FastEndpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;

namespace Aggregator.Api;

public static class ApiRegistration
{
    public const long MaxRequestBodyBytes = 1024 * 1024;
    public const string TooLargeDetail = "The request body is larger than the 1 MiB this API accepts.";

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = MaxRequestBodyBytes);

        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context => ProblemStyle.Apply(context.HttpContext, context.ProblemDetails));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        builder.Services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(services => BootstrapAdminKey.Resolve(
            builder.Configuration, services.GetRequiredService<DatabaseEndpoint>(), services.GetRequiredService<ILogger<BootstrapAdminKey>>()));
        builder.Services.AddSingleton<TenantScope>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Features.Shared.TenantCalendar>();
        builder.Services.AddSingleton<Features.Reports.Storing.VersionWriter>();
        builder.Services.AddOptions<Features.OrgUnits.OrgUnitOptions>().BindConfiguration(Features.OrgUnits.OrgUnitOptions.Section)
            .Validate(o => o.MaxDepth is >= 1 and <= Features.OrgUnits.OrgUnitOptions.DeepestSupported,
                $"Aggregator:OrgUnits:MaxDepth must be between 1 and {Features.OrgUnits.OrgUnitOptions.DeepestSupported}.")
            .ValidateOnStart();

        builder.Services.AddFastEndpoints();
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(IgnoreContentTypeWithoutBody);
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(RequireTheBodyAnOperationTakes);
        app.Use(ReadFormWithinLimit);
        app.Use(ControlCharacterRequestCheck.InvokeAsync);
        app.UseFastEndpoints(config =>
        {
            // Validation failures and unreadable bodies in the problem style of every other answer.
            config.Errors.ContentType = "application/problem+json";
            config.Errors.ProducesMetadataType = null;
            config.Errors.ResponseBuilder = FieldErrors.Answer;
            // Every endpoint: the route's tenant resolved (404 before 403) and its declared roles checked.
            // Then every string of the bound request is checked for control characters.
            config.Endpoints.Configurator = endpoint =>
            {
                endpoint.PreProcessor<AccessCheck>(Order.Before);
                endpoint.PreProcessors(Order.Before, new ControlCharacterBodyCheck());
            };
            config.Serializer.Options.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            // {"1.1":1,"1.1":2} or two "template" keys: which one did the client mean? Refused (400), at any depth
            // (JsonElement members such as a report's values included), rather than guessed.
            config.Serializer.Options.AllowDuplicateProperties = false;
            config.Serializer.SerializerErrorsField = FieldErrors.SerializerErrorsField;
        });
        // Resolve the admin key now, so a generated one is printed at start-up rather than on first use.
        _ = app.Services.GetRequiredService<BootstrapAdminKey>();
        return app;
    }

    /// <summary>
    /// Reads a form before the endpoint does, so that a multipart body over the limit answers 413 like any
    /// other body over it (FastEndpoints' binder would turn the form reader's InvalidDataException into a 400).
    /// </summary>
    private static async Task ReadFormWithinLimit(HttpContext context, RequestDelegate next)
    {
        if (context.Request.HasFormContentType)
        {
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception error) when (error is InvalidDataException { Message: var message } && message.Contains("body length limit", StringComparison.OrdinalIgnoreCase)
                                          || error is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                await ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, TooLargeDetail);
                return;
            }
            catch (Exception error) when (error is InvalidDataException or IOException and not BadHttpRequestException)
            {
                // A multipart body cut short or otherwise malformed is the client's fault, not the server's.
                throw ProblemException.Invalid("form", $"The multipart body could not be read: {error.Message}");
            }
        }
        await next(context);
    }

    /// <summary>
    /// Many HTTP clients send Content-Type: application/json on every request, GETs included. FastEndpoints
    /// then tries to read a JSON body that is not there and answers 400; a request without a body has no
    /// content type to honour.
    /// </summary>
    private static Task IgnoreContentTypeWithoutBody(HttpContext context, RequestDelegate next)
    {
        var canHaveBody = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (context.Request.ContentType is not null && (!canHaveBody || context.Request.ContentLength == 0))
            context.Request.ContentType = null;
        return next(context);
    }

    /// <summary>
    /// An operation that reads a body, sent none: FastEndpoints answers that 415 with no body at all. Answer it
    /// here, in the problem style of every other answer, naming what the operation reads.
    /// </summary>
    private static Task RequireTheBodyAnOperationTakes(HttpContext context, RequestDelegate next)
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>();
        var canHaveBody = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        // */* is FastEndpoints' mark of an operation whose request lives in its route and query alone.
        var readsBody = accepts is { IsOptional: false, ContentTypes.Count: > 0 } && !accepts.ContentTypes.Contains("*/*");
        if (readsBody && (!canHaveBody || context.Request.ContentLength == 0))
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"This operation reads a body ({string.Join(" or ", accepts!.ContentTypes)}); the request sent none.");
        }
        return next(context);
    }
}
