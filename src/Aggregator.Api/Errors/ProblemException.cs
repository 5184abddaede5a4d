namespace Aggregator.Api.Errors;

/// <summary>
/// A failure the client caused, answered as problem details with this status. <paramref name="type"/> is
/// the slug of a problem type of this API (<c>empty-report</c> → <c>/problems/empty-report</c>); without one
/// the answer's type is the RFC 9110 section of the status.
/// </summary>
public sealed class ProblemException(int status, string detail, IReadOnlyDictionary<string, object?>? extensions = null, string? type = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
    public string? Type { get; } = type;

    /// <summary>Seconds after which a retry may succeed, sent as Retry-After (a request still in flight, say).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>404 with its detail (a text of <see cref="Texts.ProblemText"/>: 未找到单位“110102003”。).</summary>
    public static ProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);
    public static ProblemException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, detail);
    public static ProblemException Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);
    public static ProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>400 naming the field at fault, in the same <c>errors</c> list as a failed validator's.</summary>
    public static ProblemException Invalid(string field, string reason) => new(StatusCodes.Status400BadRequest, reason,
        new Dictionary<string, object?> { [ProblemStyle.ErrorsMember] = new[] { new FieldError(field, reason) } });
}
