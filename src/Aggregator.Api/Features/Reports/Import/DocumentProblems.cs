using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;

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
            $"上传的文件“{fileName}”没有任何文字：它是空的，或只有空格和换行。未保存任何内容；请上传年度报告的 .txt 或 .docx 文件。",
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
        var where = found.TableHeader is not null ? $"统计表表头为（{documentYear}年度）" : $"标题写明{documentYear}年";
        return $"这份文档是{documentYear}年度的年度报告（{where}），却被导入到{year}年的报告中。未保存任何内容；" +
               $"请把它导入到{documentYear}年（…/reports/{documentYear}/import），或上传{year}年度的报告。";
    }

    private static Dictionary<string, object?> Read(ReadDocument document)
    {
        var read = new Dictionary<string, object?> { ["format"] = document.Format };
        if (document.Encoding is { } encoding) read["encoding"] = encoding;
        return read;
    }
}
