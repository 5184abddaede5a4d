using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace Aggregator.Api.Errors;

/// <summary>
/// FastEndpoints' answer to failed validation or an unreadable JSON body, in this API's problem style: the
/// same 400 body as every other (<see cref="ProblemStyle"/>), one entry in <c>errors</c> per field.
/// </summary>
public static class FieldErrors
{
    /// <summary>Where FastEndpoints files a body the serializer could not read (set in ApiRegistration).</summary>
    public const string SerializerErrorsField = "serializerErrors";

    public static object Answer(List<ValidationFailure> failures, HttpContext context, int status)
    {
        // A body that is not the JSON object the operation takes at all (an array, a number): FastEndpoints files
        // the serializer's message, which names .NET types, under its own key. That is no field of the request:
        // the request as a whole was unreadable, which errors shows as an empty list.
        var unreadable = failures.RemoveAll(failure =>
            string.Equals(failure.PropertyName, SerializerErrorsField, StringComparison.OrdinalIgnoreCase)) > 0;
        var errors = failures
            .GroupBy(failure => failure.ErrorCode == JsonBodyErrors.UnknownMemberCode ? failure.PropertyName : JsonName(failure.PropertyName), StringComparer.Ordinal)
            .Select(field => new FieldError(field.Key, field.First().ErrorMessage))
            .ToList();
        var problem = new ProblemDetails
        {
            Status = status,
            Detail = errors.Count switch
            {
                0 when unreadable => Texts.ProblemText.BodyNotJsonObject(),
                0 => Texts.ProblemText.RequestInvalid(),
                1 => Texts.ProblemText.FieldInvalid(errors[0].Name),
                _ => Texts.ProblemText.FieldsInvalid(errors.Count, string.Join(", ", errors.Select(error => error.Name))),
            },
            Extensions = { [ProblemStyle.ErrorsMember] = errors },
        };
        ProblemStyle.Apply(context, problem);
        return problem;
    }

    /// <summary>A request property as the JSON names it (<c>Parent</c> → <c>parent</c>); header names stay as they are.</summary>
    private static string JsonName(string name) =>
        name.Length > 0 && char.IsUpper(name[0]) && !name.Contains('-', StringComparison.Ordinal)
            ? char.ToLowerInvariant(name[0]) + name[1..]
            : name;
}
