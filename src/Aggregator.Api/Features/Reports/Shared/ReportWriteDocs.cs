using Aggregator.Api.OpenApi;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>What every report write (POST of a version, PATCH of a report, a storing import) reads and can answer.</summary>
public static class ReportWriteDocs
{
    public static RouteHandlerBuilder DocumentsReportWrite(this RouteHandlerBuilder builder, bool ifMatchRequired = false) => builder
        .AcceptsHeader("Idempotency-Key", "Makes a retry safe: the same key and body from the same API key returns the first answer and stores nothing new.")
        .AcceptsHeader("If-Match", ifMatchRequired
            ? "Required: the ETag of the current version this one corrects ('*': whichever is current)."
            : "The ETag of the current version this one replaces; '*' when one must exist.", ifMatchRequired)
        .AnswersProblem(409, "A request with the same Idempotency-Key is still in flight (retry after Retry-After seconds), or a reviewer " +
            "accepted the year's report and it is locked until reopened (type /problems/report-locked).")
        .AnswersHeader(409, "Retry-After", "Sent while a request with the same Idempotency-Key is in flight: seconds before a retry gets its answer.")
        .AnswersProblem(412, "If-Match is not the current version's ETag.")
        .AnswersProblem(422, "The figures break the template's rules (every failing rule in errors), the report holds no figure " +
            "(type /problems/empty-report), an imported document's table is not the template's (type /problems/unrecognised-document), " +
            "an imported document names another year than the route's (type /problems/year-mismatch, with documentYear and year), " +
            "an imported file holds no text (type /problems/empty-document), or the Idempotency-Key was used with another body. " +
            "Nothing was stored.");
}
