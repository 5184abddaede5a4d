namespace Aggregator.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the problem-details statuses an endpoint answers beyond those every endpoint can
/// give (400, 401, 403, 404, 413, 415, 429, 500 are added by <see cref="FastEndpointsOperationFilter"/>).
/// </summary>
public sealed record ProblemResponses(int Status, string Description);

/// <summary>Endpoint metadata: a request header the endpoint reads (Idempotency-Key, If-Match, …).</summary>
public sealed record RequestHeader(string Name, string Description);

public static class ProblemResponsesExtensions
{
    /// <summary>Documents a request header the endpoint reads.</summary>
    public static RouteHandlerBuilder AcceptsHeader(this RouteHandlerBuilder builder, string name, string description) =>
        builder.WithMetadata(new RequestHeader(name, description));

    /// <summary>Documents that the endpoint answers this status as problem details, and when.</summary>
    public static RouteHandlerBuilder AnswersProblem(this RouteHandlerBuilder builder, int status, string description) =>
        builder.WithMetadata(new ProblemResponses(status, description));
}
