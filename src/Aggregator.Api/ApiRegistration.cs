using Aggregator.Api.Errors.Texts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Imports;
using Aggregator.Api.Features.Quality;
using Aggregator.Api.Generations;
using Aggregator.Api.Input;
using Aggregator.Api.Limits;
using Aggregator.Data;
using FastEndpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;

namespace Aggregator.Api;

public static class ApiRegistration
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = MaxRequestBodyBytes);

        builder.Services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context => ProblemStyle.Apply(context.HttpContext, context.ProblemDetails));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        ValidatorLanguage.Register((FluentValidation.Resources.LanguageManager)FluentValidation.ValidatorOptions.Global.LanguageManager);
        // After ASP.NET's writer: answers the clients whose Accept it will not write for.
        builder.Services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();

        builder.Services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(services => BootstrapAdminKey.Resolve(
            builder.Configuration, services.GetRequiredService<DatabaseEndpoint>(), services.GetRequiredService<ILogger<BootstrapAdminKey>>()));
        builder.Services.AddOptions<KeyCacheOptions>().BindConfiguration(KeyCacheOptions.Section)
            .Validate(o => o.KeyCacheTtl >= TimeSpan.Zero && o.KeyCacheTtl <= TimeSpan.FromHours(1),
                "Aggregator:Auth:KeyCacheTtl must be between 00:00:00 and 01:00:00.")
            .Validate(o => o.KeyCacheSize >= 1, "Aggregator:Auth:KeyCacheSize must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyCache>();
        builder.Services.AddSingleton<KeyRevocationListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KeyRevocationListener>());
        builder.Services.AddSingleton<TenantScope>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Features.Shared.TenantCalendar>();
        builder.Services.AddSingleton<Features.Shared.FollowUps>();
        builder.Services.AddSingleton<Features.Reports.Storing.VersionWriter>();
        builder.Services.AddCsvImports();
        builder.Services.AddSingleton<Features.Review.ReviewTransitions>();
        builder.Services.AddFigureAnswers();
        builder.Services.AddSingleton<Features.Comparisons.ComparisonCache>();
        builder.Services.AddOptions<Features.OrgUnits.OrgUnitOptions>().BindConfiguration(Features.OrgUnits.OrgUnitOptions.Section)
            .Validate(o => o.MaxDepth is >= 1 and <= Features.OrgUnits.OrgUnitOptions.DeepestSupported,
                $"Aggregator:OrgUnits:MaxDepth must be between 1 and {Features.OrgUnits.OrgUnitOptions.DeepestSupported}.")
            .Validate(o => o.MaxPerTenant >= 1, "Aggregator:OrgUnits:MaxPerTenant must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<Features.ApiKeys.ApiKeyOptions>().BindConfiguration(Features.ApiKeys.ApiKeyOptions.Section)
            .Validate(o => o.MaxPerTenant >= 1, "Aggregator:ApiKeys:MaxPerTenant must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddQualityThresholds();

        builder.Services.AddFastEndpoints();
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseBrowserPolicies();
        // Before the exception handler, so that every problem (thrown or written) reads in the request's language.
        app.UseProblemLanguage();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RequestBodies.IgnoreContentTypeWithoutBody);
        app.UseAuthentication();
        app.UseRateLimits();
        app.UseAuthorization();
        app.Use(RequestBodies.RequireTheBodyAnOperationTakes);
        app.Use(RequestBodies.ReadFormWithinLimit);
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
                // Key-less public reads (/public/v1, AllowAnonymous) have no caller and no tenant to resolve: no access check.
                if (endpoint.AnonymousVerbs is not { Length: > 0 }) endpoint.PreProcessor<AccessCheck>(Order.Before);
                endpoint.PreProcessors(Order.Before, new ControlCharacterBodyCheck());
            };
            config.Serializer.Options.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            // {"1.1":1,"1.1":2} or two "template" keys: which one did the client mean? Refused (400), at any depth
            // (JsonElement members such as a report's values included), rather than guessed.
            config.Serializer.Options.AllowDuplicateProperties = false;
            // {"notes": "…"} for note: refused (400 naming it) rather than ignored, so a misspelt member never stores something else.
            config.Serializer.Options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            config.Binding.JsonExceptionTransformer = JsonBodyErrors.Failure;
            config.Serializer.SerializerErrorsField = FieldErrors.SerializerErrorsField;
            app.Services.GetRequiredService<Features.Shared.FigureAnswers>().UseJson(config.Serializer.Options);
        });
        // Resolve the admin key now, so a generated one is printed at start-up rather than on first use.
        _ = app.Services.GetRequiredService<BootstrapAdminKey>();
        return app;
    }
}
