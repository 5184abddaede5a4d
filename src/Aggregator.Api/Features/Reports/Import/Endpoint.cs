using Aggregator.Data;
using System.Security.Cryptography;
using Aggregator.Api.OpenApi;
using System.Text;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Domain.Narrative;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Validation;
using Aggregator.Domain.Values;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Import;

public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, TemplateCatalog catalog, VersionWriter writer) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/import");
        Group<TenantGroup>();
        AllowFileUploads();
        Description(d => d.WithTags("Reports").AllowedForTenantRolesOnly(KeyRoles.Reporter, KeyRoles.TenantAdmin).Produces<Response>(200).Produces<Response>(201)
            .DocumentsReportWrite());
        Summary(s =>
        {
            s.Summary =
                "Reads the statistics table of an annual report (.txt in UTF-8, UTF-16 with BOM or GB18030/GBK, or .docx; form field " +
                "'file', its name at most 255 characters), maps its rows to indicators and validates them; stores a version like a POST " +
                "of versions unless ?dryRun=true. A file without any text is refused (422 empty-document), a document whose table is " +
                "not the template's too (422 unrecognised-document), and one that names another year in its title or table header " +
                "(422 year-mismatch, naming documentYear and year, on a dry run too); a dry run answers what it read and names an " +
                "unrecognised table in errors. The prose outside the table is checked against it: a number it states about an indicator " +
                "that the table contradicts is a warning narrative-mismatch (with narrative: sentence, stated, table; a share only past 1 point), " +
                "stored with the version. Reporter of the unit, or tenant-admin; not the platform admin (403).";
            s.ResponseExamples[201] = Examples.Stored;
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        return ReportUnit.WriteAsync(tenantDb, access, calendar, req.Org, req.Year, () => WriteAsync(req, access, ct), ct);
    }

    private async Task WriteAsync(Request req, RequestAccess access, CancellationToken ct)
    {
        var (caller, tenantId) = access;
        // Two documents in one upload: reading one and silently dropping the other would store the wrong one.
        if (HttpContext.Request.Form.Files.Count > 1)
            ThrowError(r => r.File!, ProblemText.OneDocumentPerImport(HttpContext.Request.Form.Files.Count));

        var template = ReportRules.TemplateFor(catalog, req.Template, req.Year);
        var bytes = await ReadAsync(req.File!, ct);
        var document = ReadDocument(req.File!.FileName, bytes);
        // Nothing to show even on a dry run: no table, no year, no rows to explain.
        if (document.IsBlank) throw DocumentProblems.Empty(req.File!.FileName, document);
        var match = LayoutMatcher.Match(template, document.Rows);
        var recognition = DocumentRecognition.Of(catalog, template, req.Year, document.Format, document.Rows, match);
        var documentYear = DocumentYear.Find(document.Lines);
        var input = ReportInput.From(match.Values);
        var validation = ReportValidator.Validate(template, input);
        // The prose against the table read (an empty cell is not compared): warnings, stored with the version like the rules'.
        var table = match.Values.Where(value => value.Kind == RawValueKind.Number)
            .GroupBy(value => value.Code, StringComparer.Ordinal)
            .ToDictionary(value => value.Key, value => (decimal?)value.First().Number, StringComparer.Ordinal);
        var narrative = NarrativeCheck.Check(template, document.Prose(), table).Select(mismatch => RuleFinding.From(template, mismatch)).ToList();
        var found = Found(template, document, documentYear, match, validation, narrative);

        if (req.DryRun)
        {
            // Nothing is stored, so no write looks the unit up: a key of a unit in between looks now.
            await ReportUnit.RequireAsync(tenantDb, tenantId, caller, req.Org, ct);
            // A table of this template that names another year is refused on a dry run exactly as on a storing import:
            // the same 422 year-mismatch, so a client that checks first sees what the import would answer.
            if (recognition.Recognised) DocumentProblems.RequireYear(documentYear, req.Year, template.Code, document);
            // A dry run answers what it read even when a storing import would refuse the document: the rows
            // read and not mapped are what the user needs to see why. Its errors name those refusals first.
            await Send.OkAsync(found with { Errors = [.. Refusals(template, recognition, documentYear, req.Year, input), .. found.Errors] }, ct);
            return;
        }

        recognition.Require();
        // After recognition: a table of another template's years is answered with that template's years (unrecognised-document).
        DocumentProblems.RequireYear(documentYear, req.Year, template.Code, document);
        var read = new Dictionary<string, object?> { ["values"] = found.Values, ["unmapped"] = found.Unmapped, ["notFound"] = found.NotFound };
        if (document.Encoding is { } encoding) read["encoding"] = encoding;
        ReportRules.Check(template, input, read);
        ReportRules.RequireFigures(template, input);
        var content = ReportContent.From(template, input.Entries, req.Note);
        var requestHash = SHA256.HashData([.. Encoding.UTF8.GetBytes($"import\n{req.Tenant}\n{req.Org}\n{req.Year}\n{template.Code}\n{req.Note}\n"), .. bytes]);
        var submission = new Submission(caller, tenantId, req.Tenant, req.Org, req.Year, content, found.Warnings, req.Note,
                "report.version-imported", Preconditions.From(HttpContext.Request, requestHash));

        var answer = await writer.StoreAsync(submission,
            stored => found with
            {
                Warnings = stored.Warnings, Unchanged = stored.Unchanged,
                Stored = new StoredRef(stored.Version, stored.ETag, stored.Location, stored.Status),
            }, ct);
        await StoredAnswers.SendAsync(HttpContext, answer, ct);
    }

    private static Response Found(ReportTemplate template, ReadDocument document, DocumentYear documentYear, LayoutMatch match,
        ValidationResult validation, IReadOnlyList<RuleFinding> narrative) => new(
        template.Code,
        document.Format,
        document.Encoding,
        documentYear.Year,
        new OrderedValues(match.Values.Where(v => v.Kind is RawValueKind.Number or RawValueKind.Missing)
            .Select(v => KeyValuePair.Create(v.Code, v.Kind == RawValueKind.Number ? ReportContent.Normalise(v.Number) : (decimal?)null)).ToList()),
        match.Unmapped.Select(row => new UnmappedText(row.Label, row.Value)).ToList(),
        match.NotFound,
        RuleFinding.From(validation.Errors),
        documentYear.Conflict() is { } conflict
            ? [.. RuleFinding.From(validation.Warnings), conflict, .. narrative]
            : [.. RuleFinding.From(validation.Warnings), .. narrative],
        Stored: null,
        Unchanged: false);

    private static IEnumerable<RuleFinding> Refusals(ReportTemplate template, DocumentRecognition recognition, DocumentYear documentYear,
        int year, ReportInput input)
    {
        if (recognition.AsFinding() is { } unrecognised) yield return unrecognised;
        if (DocumentProblems.YearMismatch(documentYear, year) is { } mismatch) yield return mismatch;
        if (recognition.Recognised && !input.HasFigures) yield return new RuleFinding(ProblemTypes.EmptyReport, [], ReportRules.EmptyReportDetail(template));
    }

    private static ReadDocument ReadDocument(string fileName, byte[] bytes)
    {
        try
        {
            // A .docx is a zip: "PK". Trust the content over the name.
            if (bytes.Length > 4 && bytes[0] == 'P' && bytes[1] == 'K')
            {
                try { return DocxTableReader.Read(new MemoryStream(bytes)); }
                catch (InvalidDataException error) { throw ProblemException.Invalid("file", ProblemText.FileUnreadable(fileName, error.Message)); }
            }
            var (text, encoding) = TextDecoding.Decode(bytes);
            var lines = TextTableReader.Lines(text);
            return new ReadDocument(TextTableReader.Format, encoding, TextTableReader.Read(lines), lines);
        }
        catch (DocumentTooLargeException error)
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, ProblemText.DocumentTooLarge(fileName, error.Message), type: ProblemTypes.DocumentTooLarge);
        }
    }

    private static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
