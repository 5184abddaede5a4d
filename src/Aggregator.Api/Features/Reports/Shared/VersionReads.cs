using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Data;
using Dapper;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Shared;

/// <summary>Reading stored versions within the caller's scope; 404 for anything it may not see.</summary>
public static class VersionReads
{
    /// <summary>The version <paramref name="version"/>, or the current one when null.</summary>
    public static async Task<VersionRow> FindAsync(DbSession db, Caller caller, ReportRequest route, int? version)
    {
        const string sql = $"""
            SELECT {VersionRow.Columns}
            FROM {VersionRow.From}
            WHERE o.code = @org AND v.version = coalesce(@version::int, r.current_version) AND {OrgScope.SqlFilter}
            """;
        var parameters = new DynamicParameters(OrgScope.Of(caller, db.Tenant));
        parameters.AddDynamicParams(new { org = route.Org, year = route.Year, version });
        return await db.QuerySingleOrDefaultAsync<VersionRow>(sql, parameters)
               ?? throw ProblemException.NotFound(version is null
                   ? ProblemText.ReportNotFound(route.Org, route.Year)
                   : ProblemText.VersionNotFound(version, route.Org, route.Year));
    }
}
