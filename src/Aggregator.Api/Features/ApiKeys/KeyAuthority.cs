using Aggregator.Api.Auth;
using Aggregator.Api.Errors;

namespace Aggregator.Api.Features.ApiKeys;

/// <summary>
/// Tenant-admin keys hold power over their unit's subtree, so a tenant-admin may create or revoke
/// tenant-admin keys only strictly below its own unit: never a peer, never the key that created it.
/// Keys of the other roles it may manage anywhere in its scope.
/// </summary>
public static class KeyAuthority
{
    /// <summary>403 unless the caller may create or revoke a key of <paramref name="role"/> at the unit of <paramref name="unitPath"/>.</summary>
    /// <param name="caller">The key asking.</param>
    /// <param name="role">The role of the key to create or revoke.</param>
    /// <param name="unitPath">The ltree path of the key's unit, already known to be within the caller's scope.</param>
    /// <param name="verb">"create" or "revoke", for the message.</param>
    public static void RequireMayManage(Caller caller, string role, string unitPath, string verb)
    {
        if (caller.IsAdmin || role != KeyRoles.TenantAdmin) return;
        if (unitPath == caller.OrgUnitPath)
            throw ProblemException.Forbidden(
                $"A tenant-admin key may {verb} tenant-admin keys only for units strictly below its own unit.");
    }
}
