using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Api.Features.Reports.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// multipart/form-data: <c>file</c> — the annual report as a .txt (UTF-8 with or without BOM, UTF-16 with BOM, or
/// GB18030/GBK as Notepad's "ANSI" saves it on a Chinese Windows) or a .docx whose statistics table is a Word table; its name
/// at most 255 characters. Optional <c>template</c> (default: the one for the year) and <c>note</c>.
/// </summary>
public sealed class Request
{
    public string Tenant { get; init; } = "";
    public string Org { get; init; } = "";
    public int Year { get; init; }
    public IFormFile? File { get; init; }
    [Vocabulary(Vocabularies.Templates)]
    public string? Template { get; init; }
    public string? Note { get; init; }
    /// <summary>true: only read and validate; nothing is stored.</summary>
    [QueryParam]
    public bool DryRun { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator(TimeProvider clock)
        {
            // The tenant's own calendar is checked once the tenant is known; this bound holds for every tenant.
            RuleFor(r => r.Year).Must(year => ReportYears.Accepts(year, ReportYears.LatestAnywhere(clock)))
                .WithMessage(_ => ReportYears.Message(ReportYears.LatestAnywhere(clock)));
            RuleFor(r => r.File).NotNull().WithMessage(_ => ProblemText.SendDocumentAsFile());
            RuleFor(r => r.File).Must(file => file is null || CharacterLength.Of(file.FileName) <= ReportNotes.MaxFileNameCharacters)
                .WithMessage((_, file) => ReportNotes.FileNameMessage(CharacterLength.Of(file!.FileName)));
            RuleFor(r => r.Note).MaximumCharacters(ReportNotes.MaxCharacters);
        }
    }
}

/// <summary>
/// What was read from the document and what the rules say; <c>stored</c> is the new version unless a dry run,
/// or the current one when the document's figures were identical to it (<c>unchanged</c>: nothing was stored).
/// A dry run's <c>errors</c> also name why a storing import would refuse the document
/// (<c>unrecognised-document</c>, <c>year-mismatch</c>, <c>empty-report</c>). <c>encoding</c>: how a .txt was decoded
/// (<c>utf-8</c>, <c>utf-16le</c>, <c>utf-16be</c>, <c>gb18030</c>; null for a .docx). <c>documentYear</c>: the year the
/// document names in its statistics table's header (（2017年度）) or else its title (…2017年…年度报告); null when it names none.
/// </summary>
public sealed record Response(
    [property: Vocabulary(Vocabularies.Templates)] string Template,
    string Format,
    [property: Vocabulary(Vocabularies.TextEncodings)] string? Encoding,
    int? DocumentYear,
    IReadOnlyDictionary<string, decimal?> Values,
    IReadOnlyList<UnmappedText> Unmapped,
    IReadOnlyList<string> NotFound,
    IReadOnlyList<RuleFinding> Errors,
    IReadOnlyList<RuleFinding> Warnings,
    StoredRef? Stored,
    bool Unchanged);

/// <summary>A table row whose label matched no indicator, with the value it carried.</summary>
public sealed record UnmappedText(string Label, string Value);

/// <summary>The stored version: its number, ETag, address and review status (<see cref="VersionStatus"/>).</summary>
public sealed record StoredRef(int Version, string Etag, string Location, VersionStatus Review);

/// <summary>What the OpenAPI document shows: the seed report's text imported and stored as version 1.</summary>
internal static class Examples
{
    public static readonly Response Stored = new("bj-gip-2017", "text", "utf-8", 2017,
        new Dictionary<string, decimal?> { ["1.1"] = 975, ["1.1.1"] = 0, ["3.1"] = 3, ["3.1.3"] = 2, ["3.1.4"] = 1, ["7"] = null },
        [new UnmappedText("其他", "0")], ["8.4"], [],
        [new RuleFinding("narrative-mismatch", ["3.3"], "正文“在已经答复的3件申请中：“同意部分公开”的1件，占总数33%；”中申请答复数(3.3)为3，统计表为2。")
        {
            Narrative = new NarrativeFinding("在已经答复的3件申请中：“同意部分公开”的1件，占总数33%；", 3, 2, "count"),
        }],
        new StoredRef(1, "\"v1-83b6f395a488abbd\"", "/api/v1/tenants/110102/org-units/110102003/reports/2017/versions/1",
            new VersionStatus("submitted", "key:0f8c2d1e-5b7a-4e9c-9d41-3a6b2c8e7f10", new DateTime(2018, 1, 20, 2, 30, 0, DateTimeKind.Utc), null)), Unchanged: false);
}
