namespace Aggregator.Api.Generations;

/// <summary>Aggregator:Figures — how this replica keeps the figures' generations current.</summary>
public sealed class FigureOptions
{
    public const string Section = "Aggregator:Figures";

    /// <summary>LISTEN for changes on a connection of its own. Off behind a pooler in transaction mode, where NOTIFY never arrives.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>How often every generation is read anew, catching up whatever NOTIFY did not bring (5 s at most).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Aggregator:Cache — the answers of figure reads this replica keeps in memory.</summary>
public sealed class AnswerCacheOptions
{
    public const string Section = "Aggregator:Cache";

    /// <summary>The bodies kept, in MiB; the least recently read go first.</summary>
    public int MaxMegabytes { get; set; } = 64;
}
