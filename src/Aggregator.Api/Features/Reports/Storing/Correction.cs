using Aggregator.Api.Auth;

namespace Aggregator.Api.Features.Reports.Storing;

/// <summary>
/// A change to the current version (a merge patch), stored as a new version like a <see cref="Submission"/>. What it
/// stores is only known once the current version is locked and If-Match has named it: <see cref="Apply"/> then makes
/// the submission from it (and refuses, 400 or 422, what would not pass), inside the storing transaction, so that no
/// other writer can slip a version in between the figures patched and the version stored.
/// </summary>
public sealed record Correction(
    Caller Caller,
    Guid TenantId,
    string TenantCode,
    string OrgCode,
    int Year,
    Preconditions Preconditions,
    Func<CurrentVersion, Submission> Apply);

/// <summary>The version a correction is applied to: its number, template and figures (null: a cell reported empty).</summary>
public sealed record CurrentVersion(int Version, string Template, IReadOnlyDictionary<string, decimal?> Values);
