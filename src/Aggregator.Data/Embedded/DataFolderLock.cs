using System.Text.Json;

namespace Aggregator.Data.Embedded;

/// <summary>
/// Claims a data folder for one process: an exclusive OS lock (flock, through FileShare.None) on
/// <c>{folder}/aggregator.lock</c>, held for as long as the process runs. The kernel releases it when the
/// process dies, however it dies, so a folder left by a killed process is free again, while a second live
/// instance is refused before it touches the first one's PostgreSQL. <c>aggregator.instance.json</c> beside it
/// says who holds the folder: a locked file cannot be read by the one refused.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    public const string LockFileName = "aggregator.lock";
    public const string HolderFileName = "aggregator.instance.json";

    private readonly FileStream _lock;
    private readonly string _holderFile;
    private Holder _holder;

    private DataFolderLock(FileStream @lock, string holderFile)
    {
        _lock = @lock;
        _holderFile = holderFile;
        _holder = new Holder(Environment.ProcessId, null, []);
        Write();
    }

    /// <summary>Takes the folder, or throws naming the process that holds it.</summary>
    public static DataFolderLock Acquire(string dataDirectory)
    {
        var holderFile = Path.Combine(dataDirectory, HolderFileName);
        try
        {
            var stream = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new DataFolderLock(stream, holderFile);
        }
        catch (IOException)
        {
            throw new EmbeddedPostgresException(
                $"the data folder {dataDirectory} is in use by another Aggregator ({Describe(holderFile)}); " +
                "stop that one first, or give this one another Aggregator:DataDirectory.");
        }
    }

    /// <summary>Adds what the holder serves, so that a refused second instance can say where the first one is.</summary>
    public void Record(int postgresPort, IReadOnlyList<string> urls)
    {
        _holder = _holder with { PostgresPort = postgresPort, Urls = urls.Count > 0 ? urls : _holder.Urls };
        Write();
    }

    public void Dispose()
    {
        try { File.Delete(_holderFile); } catch (IOException) { }
        _lock.Dispose();
    }

    private void Write()
    {
        File.WriteAllText(_holderFile, JsonSerializer.Serialize(_holder, JsonOptions));
    }

    private static string Describe(string holderFile)
    {
        try
        {
            var holder = JsonSerializer.Deserialize<Holder>(File.ReadAllText(holderFile), JsonOptions);
            if (holder is null) return "process unknown";
            var parts = new List<string> { $"pid {holder.Pid}" };
            parts.AddRange(holder.Urls);
            if (holder.PostgresPort is { } port) parts.Add($"PostgreSQL on 127.0.0.1:{port}");
            return string.Join(", ", parts);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return "process unknown";
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Holder(int Pid, int? PostgresPort, IReadOnlyList<string> Urls);
}
