using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Imports.Create;

/// <summary>
/// multipart/form-data: <c>file</c> — CSV with the header <c>org,year,template,indicator,value[,reportedAt]</c>, one row per
/// indicator value; UTF-8 with or without BOM (Excel's "CSV UTF-8"), commas (or semicolons or tabs throughout).
/// <c>template</c> empty takes the year's; <c>value</c> empty is a cell reported empty; <c>reportedAt</c> is ISO 8601,
/// without an offset in the tenant's time zone.
/// </summary>
public sealed class Request
{
    public string Tenant { get; init; } = "";
    public IFormFile? File { get; init; }
    /// <summary>true: validate every report and say what would be stored; nothing is stored.</summary>
    [QueryParam]
    public bool DryRun { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.File).NotNull().WithMessage(_ => ProblemText.SendCsvAsFile(CsvImportFile.Header));
            RuleFor(r => r.File).Must(file => file is null || CharacterLength.Of(file.FileName) <= ReportNotes.MaxFileNameCharacters)
                .WithMessage((_, file) => ReportNotes.FileNameMessage(CharacterLength.Of(file!.FileName)));
        }
    }
}

/// <summary>The import is queued: follow the job at Location; its <c>result</c> is the summary once it has succeeded.</summary>
public sealed record Response(string JobId, string Status, int Rows, bool DryRun);

internal static class Examples
{
    public static readonly Response Queued = new("5f0c6a2e9d1b4c7e8a3f6b2d1c0e9a87", "queued", 1_250, DryRun: false);
}
