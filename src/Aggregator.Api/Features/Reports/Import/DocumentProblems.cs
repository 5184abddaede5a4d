using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// Why an uploaded document is refused before its figures are checked: it holds no text at all, or it is the report of
/// another year than the one it was sent to. Both 422, nothing stored; a dry run names the year refusal in its errors.
/// </summary>
public static class DocumentProblems
{
    /// <summary>422 <c>empty-document</c>: an empty file, one of blanks only, a .docx without text — distinct from a table not recognised.</summary>
    public static ProblemException Empty(string fileName, ReadDocument document) =>
        new(StatusCodes.Status422UnprocessableEntity,
            ProblemText.EmptyDocument(fileName),
            Read(document), type: ProblemTypes.EmptyDocument);

    /// <summary>The refusal when the document names a year and the route another; null when they agree or the document names none.</summary>
    public static RuleFinding? YearMismatch(DocumentYear found, int year) =>
        found.Year is { } documentYear && documentYear != year
            ? new RuleFinding(ProblemTypes.YearMismatch, [], YearMismatchDetail(found, documentYear, year))
            : null;

    /// <summary>422 <c>year-mismatch</c> naming both years (<c>documentYear</c>, <c>year</c>).</summary>
    public static void RequireYear(DocumentYear found, int year, string template, ReadDocument document)
    {
        if (YearMismatch(found, year) is not { } mismatch) return;
        var extensions = Read(document);
        extensions["documentYear"] = found.Year;
        extensions["year"] = year;
        extensions["template"] = template;
        throw new ProblemException(StatusCodes.Status422UnprocessableEntity, mismatch.Message, extensions, type: ProblemTypes.YearMismatch);
    }

    private static string YearMismatchDetail(DocumentYear found, int documentYear, int year)
    {
        return found.TableHeader is not null
            ? ProblemText.YearMismatchTable(documentYear, year)
            : ProblemText.YearMismatchTitle(documentYear, year);
    }

    private static Dictionary<string, object?> Read(ReadDocument document)
    {
        var read = new Dictionary<string, object?> { ["format"] = document.Format };
        if (document.Encoding is { } encoding) read["encoding"] = encoding;
        return read;
    }
}
