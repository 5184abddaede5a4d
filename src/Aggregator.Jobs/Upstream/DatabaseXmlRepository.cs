using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Aggregator.Jobs.Upstream;

/// <summary>
/// Data Protection's key ring in the database (keyring.data_protection_keys), so that every API replica and worker
/// reads the keys any of them made: an upstream key stored through one replica is read by the job on another.
/// Data Protection calls it synchronously and rarely (it caches the ring and refreshes it about once a day).
/// </summary>
public sealed class DatabaseXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>("SELECT xml FROM keyring.data_protection_keys ORDER BY created_at, name")
            .Select(xml => XElement.Parse(xml))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Two replicas making a key at once store two keys under different names; both stay in the ring.
        using var connection = dataSource.OpenConnection();
        connection.Execute(
            "INSERT INTO keyring.data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING",
            new { name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString() : friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
