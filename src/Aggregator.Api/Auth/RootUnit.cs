using Aggregator.Api.Errors;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Auth;

/// <summary>
/// Settings of the whole tenant (review, deadlines, loading past years) belong to the tenant's root unit: a key
/// of the root (its path has one label) or the platform admin. A tenant-admin of a sub-district may not change
/// what holds for every other sub-district.
/// </summary>
public static class RootUnit
{
    public static bool IsAtRoot(Caller caller) => caller.IsAdmin || caller.OrgUnitPath is { } path && !path.Contains('.');

    public static void Require(Caller caller, string what)
    {
        if (!IsAtRoot(caller))
            throw ProblemException.Forbidden(ProblemText.RootUnitOnly(what));
    }
}
