using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Input;
using Aggregator.Data;
using FastEndpoints;
using Microsoft.AspNetCore.Authentication;

namespace Aggregator.Api;

public static class ApiRegistration
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();

        builder.Services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(services => BootstrapAdminKey.Resolve(
            builder.Configuration, services.GetRequiredService<DatabaseEndpoint>(), services.GetRequiredService<ILogger<BootstrapAdminKey>>()));
        builder.Services.AddSingleton<TenantScope>();
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
        app.Use(ControlCharacterRequestCheck.InvokeAsync);
        app.UseFastEndpoints(config =>
        {
            config.Endpoints.Configurator = endpoint => endpoint.PreProcessors(Order.Before, new ControlCharacterBodyCheck());
            config.Errors.UseProblemDetails();
            config.Serializer.Options.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
        });
        // Resolve the admin key now, so a generated one is printed at start-up rather than on first use.
        _ = app.Services.GetRequiredService<BootstrapAdminKey>();
        return app;
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
}
