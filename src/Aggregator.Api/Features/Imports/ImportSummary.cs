using System.Text.Json;
using Aggregator.Data;

namespace Aggregator.Api.Features.Imports;

/// <summary>
/// What an import did (or, a dry run, would do): its reports — one per (org, year) of the file — counted by outcome,
/// the data rows read, and each rejected report with the line of its first row and why.
/// <c>rejections</c> lists the first 1,000 rejected reports; <c>rejectionsNotListed</c> counts the rest.
/// </summary>
public sealed record ImportSummary(
    bool DryRun,
    int Rows,
    ImportCounts Reports,
    IReadOnlyList<ImportRejection> Rejections,
    int RejectionsNotListed);

/// <summary>
/// Reports stored as a new version (a dry run: that would be), unchanged (identical to the current version: nothing
/// stored) and rejected (nothing of it stored).
/// </summary>
public sealed record ImportCounts(int Stored, int Unchanged, int Rejected);

/// <summary>
/// A report refused whole: its org code and year as the file gives them (year null when that is no year), the
/// file line of its first row, and every reason found, each naming its line where one line is at fault.
/// </summary>
public sealed record ImportRejection(string Org, int? Year, int Line, IReadOnlyList<string> Reasons);

/// <summary>The summary an import's job left in its row; null until the job has finished.</summary>
public static class ImportResults
{
    public static async Task<ImportSummary?> SummaryAsync(DbSession db, Guid tenantId, Guid importId)
    {
        const string sql = "SELECT summary::text FROM csv_imports WHERE tenant_id = @tenantId AND import_id = @importId";
        var json = await db.QuerySingleOrDefaultAsync<string?>(sql, new { tenantId, importId });
        return json is null ? null : JsonSerializer.Deserialize<ImportSummary>(json, ImportJob.Json);
    }
}
