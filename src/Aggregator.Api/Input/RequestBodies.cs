using Aggregator.Api.Errors;
using FastEndpoints;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Input;

/// <summary>
/// What the API makes of a request's body before an endpoint binds it: no body means no content type, a body
/// an operation needs must be there, and a form is read once, here, within the size limit.
/// </summary>
public static class RequestBodies
{

    /// <summary>
    /// Many HTTP clients send Content-Type: application/json on every request, GETs included. FastEndpoints
    /// then tries to read a JSON body that is not there and answers 400; a request without a body has no
    /// content type to honour.
    /// </summary>
    public static Task IgnoreContentTypeWithoutBody(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentType is not null && HasNoBody(context)) context.Request.ContentType = null;
        return next(context);
    }

    /// <summary>
    /// An operation that reads a body, sent none, or one without a Content-Type: FastEndpoints answers that 415
    /// with no body at all. Answer it here, in the problem style of every other answer, naming what it reads.
    /// </summary>
    public static Task RequireTheBodyAnOperationTakes(HttpContext context, RequestDelegate next)
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>();
        // An optional body not sent (WithOptionalBody): the operation reads the empty JSON object, as FastEndpoints would
        // otherwise answer a request without a JSON Content-Type 415.
        if (accepts is { IsOptional: true } && HasNoBody(context))
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream("{}"u8.ToArray(), writable: false);
            context.Request.ContentLength = 2;
            return next(context);
        }
        if (accepts is { IsOptional: true } && !context.Request.HasJsonContentType())
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                ProblemText.OptionalJsonBody(context.Request.ContentType ?? ProblemText.BodyWithoutContentType()));
        // */* is FastEndpoints' mark of an operation whose request lives in its route and query alone.
        if (accepts is { IsOptional: false, ContentTypes.Count: > 0 } && !accepts.ContentTypes.Contains("*/*")
            && (HasNoBody(context) || context.Request.ContentType is null))
        {
            var types = string.Join(" | ", accepts.ContentTypes);
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                HasNoBody(context) ? ProblemText.BodyRequired(types) : ProblemText.BodyTypeUnsaid(types));
        }
        // A charset no decoder exists for: the JSON reader would throw on it (a 500); found by fuzzing.
        if (!HasNoBody(context) && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var media)
            && media.Charset.HasValue && media.Encoding is null)
            return ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                ProblemText.CharsetUnreadable(media.Charset.ToString()));
        return next(context);
    }

    /// <summary>
    /// Reads a form before the endpoint does — the one place a form is read; everything after it (the control
    /// character check, the endpoint's binding) gets the parsed form — so that a multipart body over the limit
    /// answers 413 like any other body over it, and a malformed one a 400 naming <c>form</c> (FastEndpoints'
    /// binder would turn either into a 400 of its own, or an unread cut-short body into a 500).
    /// </summary>
    public static async Task ReadFormWithinLimit(HttpContext context, RequestDelegate next)
    {
        if (context.Request.HasFormContentType)
        {
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception error) when (error is InvalidDataException { Message: var message } && message.Contains("body length limit", StringComparison.OrdinalIgnoreCase)
                                          || error is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                await ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, TooLargeDetailFor(context));
                return;
            }
            catch (Exception error) when (error is InvalidDataException or IOException and not BadHttpRequestException)
            {
                // A multipart body cut short or otherwise malformed (an overlong boundary, too many fields) is the
                // client's fault, not the server's.
                throw ProblemException.Invalid("form", ProblemText.MultipartUnreadable());
            }
        }
        await next(context);
    }

    /// <summary>The limit of the request's operation: 1 MiB unless it declares its own (the CSV import).</summary>
    private static string TooLargeDetailFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit
            ? ProblemText.BodyTooLargeFor((limit / (1024.0 * 1024)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))
            : ProblemText.BodyTooLarge();

    private static bool HasNoBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false || context.Request.ContentLength == 0;
}

public static class OptionalBodyExtensions
{
    /// <summary>
    /// The operation reads a JSON body if one is sent, and runs without one (no body, no Content-Type): a review move
    /// whose comment is optional. Replaces FastEndpoints' required JSON body; the OpenAPI document says it is optional.
    /// </summary>
    public static RouteHandlerBuilder WithOptionalBody<TRequest>(this RouteHandlerBuilder builder) where TRequest : notnull =>
        builder.ClearDefaultAccepts().Accepts<TRequest>(isOptional: true, "application/json");
}
