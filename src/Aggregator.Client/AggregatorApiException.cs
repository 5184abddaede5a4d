using System.Text.Json;

namespace Aggregator.Client;

// The generated exception carries the status and the raw body; a status whose problem body the document
// names also comes as AggregatorApiException<ValidationProblem>, <RuleProblem>… with the typed Result.
// Every error answer of the API is application/problem+json, so the members all of them share can be read
// here too, whatever the status: catch (AggregatorApiException e) when (e.Problem is { } problem).
public partial class AggregatorApiException
{
    private bool read;
    private ValidationProblem? problem;

    /// <summary>The RFC 9457 problem the API answered with (type, title, status, detail, traceId), or null for a body that is none (e.g. 304).</summary>
    public Problem? Problem => Read() is { } p
        ? new Problem { Type = p.Type, Title = p.Title, Status = p.Status, Detail = p.Detail, Instance = p.Instance, TraceId = p.TraceId }
        : null;

    /// <summary>The fields a 400 names, each with its reason; empty for any other answer.</summary>
    public IReadOnlyList<FieldError> Errors => Read()?.Errors is { } errors ? errors.AsReadOnly() : [];

    private ValidationProblem? Read()
    {
        if (read) return problem;
        read = true;
        if (string.IsNullOrWhiteSpace(Response)) return null;
        try
        {
            // The base members are common to every problem; errors is present only on a 400.
            problem = JsonSerializer.Deserialize<ValidationProblem>(Response);
            return problem is { Type: not null, Status: > 0 } ? problem : problem = null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
