using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;

namespace Aggregator.Api.Auth;

/// <summary>The Hangfire dashboard is for the platform admin key only, presented in the X-Api-Key header.</summary>
public sealed class HangfireDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var result = await context.GetHttpContext().AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        return result.Succeeded && Caller.From(result.Principal).IsAdmin;
    }
}
