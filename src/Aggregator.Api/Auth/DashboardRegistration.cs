using Hangfire;

namespace Aggregator.Api.Auth;

public static class DashboardRegistration
{
    public const string Path = "/hangfire";

    /// <summary>The Hangfire dashboard at /hangfire, for admin keys only.</summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new HangfireDashboardAuthorization()],
            DashboardTitle = "Aggregator jobs",
        });
        return app;
    }
}
