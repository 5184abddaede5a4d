using Aggregator.Api.Auth;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.ApiKeys;

/// <summary>
/// A tenant-admin manages the keys of the units strictly below its own: a unit may not mint the reviewer that checks
/// its own reports, nor a peer tenant-admin. Two exceptions at the caller's own unit, for other roles than tenant-admin:
/// <list type="bullet">
/// <item>the root's tenant-admin may create them at the root, as nobody is above the root to do it (the platform admin
/// mints a tenant's first keys only);</item>
/// <item>any tenant-admin may revoke them at its own unit: revoking takes power away, and a unit must be able to stop a
/// key of its own that leaked without waiting for the district.</item>
/// </list>
/// Tenant-admin keys are created and revoked only strictly below, by anyone but the platform admin: never a peer, never
/// the key that created it.
/// </summary>
public static class KeyAuthority
{
    /// <summary>403 (<c>/problems/separation-of-duties</c>) unless the caller may create or revoke a key of <paramref name="role"/> at the unit of <paramref name="unitPath"/>.</summary>
    /// <param name="caller">The key asking.</param>
    /// <param name="role">The role of the key to create or revoke.</param>
    /// <param name="unitPath">The ltree path of the key's unit, already known to be within the caller's scope.</param>
    /// <param name="revoke">True to revoke, false to create.</param>
    public static void RequireMayManage(Caller caller, string role, string unitPath, bool revoke)
    {
        if (caller.IsAdmin || caller.OrgUnitPath is not { } own || SeparationOfDuties.IsStrictlyBelow(unitPath, own)) return;
        var verb = revoke ? ProblemText.VerbRevoke() : ProblemText.VerbCreate();
        if (role == KeyRoles.TenantAdmin)
            throw SeparationOfDuties.Refused(ProblemText.KeysOnlyBelow(verb));
        if (revoke || SeparationOfDuties.IsRoot(own)) return;
        throw SeparationOfDuties.Refused(
            ProblemText.KeysOfOwnUnitFromAbove());
    }
}
