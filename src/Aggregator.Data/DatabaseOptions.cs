namespace Aggregator.Data;

/// <summary>
/// Where the database is: a configured server (production) or the embedded default. With a transaction pooler
/// (PgBouncer) in front, <see cref="DirectConnectionString"/> reaches PostgreSQL itself, for what needs a session.
/// </summary>
public sealed record DatabaseEndpoint(string AppConnectionString, string? OwnerConnectionString, bool Embedded, string? DirectConnectionString = null)
{
    /// <summary>The app role straight to PostgreSQL, when ConnectionStrings:Aggregator goes through a transaction pooler.</summary>
    public const string DirectConnectionStringKey = "Aggregator:Database:DirectConnectionString";

    public string AppRole => new Npgsql.NpgsqlConnectionStringBuilder(AppConnectionString).Username
                             ?? throw new InvalidOperationException("ConnectionStrings:Aggregator names no user.");

    /// <summary>
    /// Where work that holds a session connects: LISTEN (keys, figures), Hangfire's storage. A transaction pooler hands
    /// each transaction whichever server connection is free, so a LISTEN there hears nothing.
    /// </summary>
    public string SessionConnectionString => DirectConnectionString ?? AppConnectionString;

    /// <summary>ConnectionStrings:Aggregator goes through a transaction pooler: nothing may outlive a transaction on it.</summary>
    public bool BehindTransactionPooler => DirectConnectionString is not null;
}
