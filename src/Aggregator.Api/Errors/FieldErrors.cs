using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace Aggregator.Api.Errors;

/// <summary>
/// FastEndpoints' answer to failed validation or an unreadable JSON body, in this API's problem style: the
/// same 400 body as every other (<see cref="ProblemStyle"/>), one entry in <c>errors</c> per field.
/// </summary>
public static class FieldErrors
{
    public static object Answer(List<ValidationFailure> failures, HttpContext context, int status)
    {
        var errors = failures
            .GroupBy(failure => JsonName(failure.PropertyName), StringComparer.Ordinal)
            .Select(field => new FieldError(field.Key, field.First().ErrorMessage))
            .ToList();
        var problem = new ProblemDetails
        {
            Status = status,
            Detail = errors.Count == 1
                ? $"The field {errors[0].Name} is invalid."
                : $"{errors.Count} fields are invalid: {string.Join(", ", errors.Select(error => error.Name))}.",
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
