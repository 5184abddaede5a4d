using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Aggregator.Api.Errors.Texts;
using Microsoft.AspNetCore.WebUtilities;

namespace Aggregator.Api.Errors;

/// <summary>
/// The one style of every problem this API answers, whoever wrote it (our handlers, FastEndpoints'
/// validation, ASP.NET's status-code pages, the exception handler): the RFC section or an API problem
/// type as <c>type</c>, the status's name in the reader's language as <c>title</c> (Chinese unless
/// <c>Accept-Language</c> asks for English, said in <c>Content-Language</c>), the path as <c>instance</c>, a W3C
/// trace id as <c>traceId</c>, and for a 400 the list of <c>errors</c> by field (empty when the request as
/// a whole was unreadable).
/// </summary>
public static class ProblemStyle
{
    public const string ErrorsMember = "errors";
    public const string TraceIdMember = "traceId";

    public static void Apply(HttpContext context, ProblemDetails problem)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        problem.Status = status;
        if (!ProblemTypes.IsOurs(problem.Type, status)) problem.Type = ProblemTypes.ForStatus(status);
        var language = ProblemLanguage.Of(context);
        // ASP.NET's writer has already put its English reason phrase here; nothing of ours sets a title of its own.
        problem.Title = ProblemText.Title(language, status)
                        ?? (string.IsNullOrEmpty(problem.Title) ? ReasonPhrases.GetReasonPhrase(status) : problem.Title);
        problem.Detail ??= DefaultDetail(language, status, problem.Title);
        if (!context.Response.HasStarted) context.Response.Headers.ContentLanguage = ProblemLanguage.Tag(language);
        problem.Instance ??= context.Request.Path.Value;
        problem.Extensions[TraceIdMember] = TraceId();
        if (status == StatusCodes.Status400BadRequest && !problem.Extensions.ContainsKey(ErrorsMember))
            problem.Extensions[ErrorsMember] = Array.Empty<FieldError>();
    }

    /// <summary>What ASP.NET's own answers (status-code pages) say, where they say nothing.</summary>
    private static string DefaultDetail(System.Globalization.CultureInfo language, int status, string? title) => status switch
    {
        StatusCodes.Status400BadRequest => ProblemText.Get(language, nameof(ProblemText.RequestUnreadable)),
        StatusCodes.Status401Unauthorized => ProblemText.Get(language, nameof(ProblemText.SendValidKey), Auth.ApiKeyAuthenticationHandler.HeaderName),
        StatusCodes.Status404NotFound => ProblemText.Get(language, nameof(ProblemText.NothingAtPath)),
        StatusCodes.Status405MethodNotAllowed => ProblemText.Get(language, nameof(ProblemText.MethodNotAllowed)),
        StatusCodes.Status415UnsupportedMediaType => ProblemText.Get(language, nameof(ProblemText.MediaTypeNotRead)),
        _ => title ?? ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>
    /// The W3C trace context of the request (<c>traceparent</c> format, <c>00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;</c>),
    /// the id logs and traces are filed under. Without an activity one is made up, so the shape never varies.
    /// </summary>
    public static string TraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
            ? id
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";
}

/// <summary>One invalid field of a request: its name as the client sent it (camelCase, or a header's name) and why.</summary>
public sealed record FieldError(string Name, string Reason);
