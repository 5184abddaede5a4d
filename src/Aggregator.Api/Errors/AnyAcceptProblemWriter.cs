using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Errors;

/// <summary>
/// The last of the problem details writers: ASP.NET's own writes nothing for a client whose Accept names no JSON
/// type (<c>Accept: application/xml</c>), and the exception handler then fails too, leaving an empty 500. Every
/// error of this API is problem+json, whatever the client accepts (RFC 9110 lets a server ignore Accept rather
/// than answer 406). Found by fuzzing.
/// </summary>
public sealed class AnyAcceptProblemWriter(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        ProblemStyle.Apply(http, context.ProblemDetails);
        return new ValueTask(http.Response.WriteAsJsonAsync(context.ProblemDetails, typeof(ProblemDetails), json.Value.SerializerOptions,
            "application/problem+json", http.RequestAborted));
    }
}
