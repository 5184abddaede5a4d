using FluentValidation.Results;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Input;

/// <summary>
/// Refuses control characters in what the app reads of a request outside its JSON body: query, route values,
/// the headers it interprets, and multipart form fields and file names. Runs before any endpoint binds or
/// touches the database (after <see cref="RequestBodies.ReadFormWithinLimit"/>, which reads the form); the JSON
/// body is checked after binding by <see cref="ControlCharacterBodyCheck"/>.
/// </summary>
public static class ControlCharacterRequestCheck
{
    /// <summary>
    /// The request headers whose values the app interprets (the API key is only ever hashed), named in lower
    /// case as HTTP/2 spells them: the problem details' field names are camel-cased, which would make If-Match "if-Match".
    /// </summary>
    private static readonly string[] InterpretedHeaders = ["idempotency-key", "if-match", "if-none-match"];

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var failures = await FailuresAsync(context.Request);
        if (failures.Count == 0)
        {
            await next(context);
            return;
        }
        // FastEndpoints' own answer to validation failures, so that one 400 shape serves both.
        await context.Response.SendErrorsAsync(failures);
    }

    private static async Task<List<ValidationFailure>> FailuresAsync(HttpRequest request)
    {
        var failures = new List<ValidationFailure>();
        foreach (var (name, values) in request.Query) CheckPair(failures, name, values);
        foreach (var (name, value) in request.RouteValues)
            if (value is string text && ControlCharacters.In(text)) failures.Add(ControlCharacters.Failure(name));
        foreach (var header in InterpretedHeaders)
            if (request.Headers.TryGetValue(header, out var values) && values.Any(ControlCharacters.In))
                failures.Add(ControlCharacters.Failure(header));

        if (request.HasFormContentType)
        {
            // Already read, within its limits, by RequestBodies.ReadFormWithinLimit: this is the parsed form.
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            foreach (var (name, values) in form) CheckPair(failures, name, values);
            foreach (var file in form.Files)
            {
                if (ControlCharacters.In(file.Name)) failures.Add(ControlCharacters.KeyFailure("form", file.Name));
                else if (ControlCharacters.In(file.FileName))
                    failures.Add(new ValidationFailure(file.Name, ProblemText.ControlCharactersFileName(file.Name)));
            }
        }
        return failures;
    }

    private static void CheckPair(List<ValidationFailure> failures, string name, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (ControlCharacters.In(name)) failures.Add(ControlCharacters.KeyFailure("parameters", name));
        else if (values.Any(ControlCharacters.In)) failures.Add(ControlCharacters.Failure(name));
    }
}
