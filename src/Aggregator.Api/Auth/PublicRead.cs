namespace Aggregator.Api.Auth;

/// <summary>
/// Endpoint metadata of a key-less public read (<c>/public/v1</c>): anyone may call it (AllowAnonymous), and
/// <see cref="AccessCheck"/> does not run for it: like /health, it is outside the tenant-key path, and its handler never
/// asks who calls. A key sent with it is authenticated as on any request (an unknown one is not refused) and grants nothing
/// more: the answer is the same for everyone, and it is rate limited per client address, not per key. What it reads is what a
/// tenant published, in a transaction that row-level security limits to that (<c>TenantDb.BeginPublicReadAsync</c>).
/// </summary>
public sealed class PublicRead
{
    public const string Prefix = "/public/v1";

    public static readonly PublicRead Instance = new();

    private PublicRead() { }

    public static bool Covers(PathString path) => path.StartsWithSegments(Prefix);
}
