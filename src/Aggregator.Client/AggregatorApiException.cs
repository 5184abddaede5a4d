namespace Aggregator.Client;

/// <summary>The members every error answer of the API has (RFC 9457 problem details, application/problem+json).</summary>
public interface IProblemDetails
{
    string Type { get; }
    string Title { get; }
    int Status { get; }
    string Detail { get; }
    string Instance { get; }
    string TraceId { get; }
}

public partial class Problem : IProblemDetails;
public partial class ValidationProblem : IProblemDetails;
public partial class RuleProblem : IProblemDetails;
public partial class NotFoundProblem : IProblemDetails;
public partial class PreconditionProblem : IProblemDetails;

// The generated exception comes as AggregatorApiException<ValidationProblem>, <RuleProblem>… for each status
// whose problem body the document names, with the typed body in Result. These members give what all of them
// share to a caller that catches one type: catch (AggregatorApiException e) when (e.Problem is { } problem).
public partial class AggregatorApiException
{
    /// <summary>The problem the API answered with; null for an answer without one (e.g. 304 Not Modified).</summary>
    public IProblemDetails? Problem => Body as IProblemDetails;

    /// <summary>The fields a 400 names, each with its reason; empty for any other answer.</summary>
    public IReadOnlyList<FieldError> Errors => Body is ValidationProblem { Errors: { } errors } ? errors.AsReadOnly() : [];

    /// <summary>The rules a 422 names, each with its id, its indicators and its message; empty for any other answer.</summary>
    public IReadOnlyList<ReportsSharedRuleFinding> Rules => Body is RuleProblem { Rules: { } rules } ? rules.AsReadOnly() : [];

    /// <summary>The typed body of the answer, when the document names one for its status.</summary>
    protected virtual object? Body => null;
}

public partial class AggregatorApiException<TResult>
{
    protected override object? Body => Result;
}
