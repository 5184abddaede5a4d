using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Auth;

/// <summary>
/// Who may check whose work. A version is accepted, returned or its year reopened only by a reviewer or tenant-admin
/// of a unit strictly above the unit that reported it, and never by the key that reported it. The tenant's root has
/// nobody above it: its own report is reviewed at the root, by a key other than the one that reported it.
/// </summary>
public static class SeparationOfDuties
{
    public static ProblemException Refused(string detail) =>
        new(StatusCodes.Status403Forbidden, detail, type: ProblemTypes.SeparationOfDuties);

    /// <summary>True when <paramref name="unitPath"/> lies strictly below <paramref name="abovePath"/> (ltree paths as text).</summary>
    public static bool IsStrictlyBelow(string unitPath, string abovePath) =>
        unitPath.Length > abovePath.Length + 1 && unitPath.StartsWith(abovePath, StringComparison.Ordinal) && unitPath[abovePath.Length] == '.';

    /// <summary>The root of a tenant's tree: its path has one label.</summary>
    public static bool IsRoot(string unitPath) => !unitPath.Contains('.');

    /// <summary>
    /// 403 unless <paramref name="caller"/> may review the work of the unit at <paramref name="unitPath"/> that
    /// <paramref name="reportedBy"/> (a key id, or "admin") sent.
    /// </summary>
    /// <param name="caller">The key moving the version; the unit is already known to be in its scope.</param>
    /// <param name="unitPath">The ltree path of the reporting unit.</param>
    /// <param name="reportedBy">The api_key_id the version was stored with.</param>
    /// <param name="act">What is refused, in the reader's language: ProblemText.ActAccept(), ActReturn(), ActReopen().</param>
    public static void RequireMayReview(Caller caller, string unitPath, string? reportedBy, string act)
    {
        if (caller.IsAdmin)
            throw Refused(ProblemText.AdminNoReview());
        if (reportedBy is not null && string.Equals(caller.KeyId, reportedBy, StringComparison.OrdinalIgnoreCase))
            throw Refused(ProblemText.ReviewOwnVersion(act));
        if (caller.OrgUnitPath is not { } own)
            throw Refused(ProblemText.ReviewKeyWithoutUnit(act));
        if (IsStrictlyBelow(unitPath, own)) return;
        if (unitPath == own && IsRoot(own)) return;
        throw Refused(ProblemText.ReviewNotAbove(act));
    }
}
