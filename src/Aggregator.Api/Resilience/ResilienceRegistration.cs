namespace Aggregator.Api.Resilience;

public static class ResilienceRegistration
{
    /// <summary>
    /// Runs each endpoint again after a transient database fault while nothing of its request is stored
    /// (<see cref="RequestRetry"/>). Last before the endpoints, so authentication and the body checks run once.
    /// </summary>
    public static WebApplication UseRequestRetry(this WebApplication app)
    {
        app.UseMiddleware<RequestRetry>();
        return app;
    }
}
