namespace Aggregator.Api.Auth;

/// <summary>
/// Endpoint metadata of a key-less public read (<c>/public/v1</c>): anyone may call it, no key is looked at (a key sent
/// with it is ignored: it grants nothing more), and <see cref="AccessCheck"/> does not run for it. What it reads is what a
/// tenant published, in a transaction that row-level security limits to that (<c>TenantDb.BeginPublicReadAsync</c>).
/// </summary>
public sealed class PublicRead
{
    public const string Prefix = "/public/v1";

    public static readonly PublicRead Instance = new();

    private PublicRead() { }

    public static bool Covers(PathString path) => path.StartsWithSegments(Prefix);
}
