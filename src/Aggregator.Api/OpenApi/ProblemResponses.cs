namespace Aggregator.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the problem-details statuses an endpoint answers beyond those every endpoint can
/// give (400, 401, 403, 404, 413, 415, 429, 500 are added by <see cref="FastEndpointsOperationFilter"/>).
/// </summary>
public sealed record ProblemResponses(int Status, string Description);

/// <summary>Endpoint metadata: a request header the endpoint reads (Idempotency-Key, If-Match, …); <c>Required</c>: refused without it.</summary>
public sealed record RequestHeader(string Name, string Description, bool Required = false);

/// <summary>Endpoint metadata: a header the endpoint sends with an answer of this status (Retry-After, …), in whole seconds when numeric.</summary>
public sealed record ResponseHeader(int Status, string Name, string Description);

public static class ProblemResponsesExtensions
{
    /// <summary>Documents a request header the endpoint reads.</summary>
    public static RouteHandlerBuilder AcceptsHeader(this RouteHandlerBuilder builder, string name, string description, bool required = false) =>
        builder.WithMetadata(new RequestHeader(name, description, required));

    /// <summary>Documents a header (an integer of seconds, such as Retry-After) sent with the answers of this status.</summary>
    public static RouteHandlerBuilder AnswersHeader(this RouteHandlerBuilder builder, int status, string name, string description) =>
        builder.WithMetadata(new ResponseHeader(status, name, description));

    /// <summary>Documents that the endpoint answers this status as problem details, and when.</summary>
    public static RouteHandlerBuilder AnswersProblem(this RouteHandlerBuilder builder, int status, string description) =>
        builder.WithMetadata(new ProblemResponses(status, description));
}
