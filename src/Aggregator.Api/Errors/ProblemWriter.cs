using Microsoft.AspNetCore.Mvc;

namespace Aggregator.Api.Errors;

/// <summary>Writes RFC 9457 problem details through ASP.NET's IProblemDetailsService.</summary>
public static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext context, int status, string detail,
        IReadOnlyDictionary<string, object?>? extensions = null, string? type = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail, Type = type is null ? null : ProblemTypes.Of(type) };
        if (extensions is not null)
            foreach (var (name, value) in extensions) problem.Extensions[name] = value;

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
