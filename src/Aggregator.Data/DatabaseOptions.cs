namespace Aggregator.Data;

/// <summary>Where the database is: a configured server (production) or the embedded default.</summary>
public sealed record DatabaseEndpoint(string AppConnectionString, string? OwnerConnectionString, bool Embedded)
{
    public string AppRole => new Npgsql.NpgsqlConnectionStringBuilder(AppConnectionString).Username
                             ?? throw new InvalidOperationException("ConnectionStrings:Aggregator names no user.");
}
