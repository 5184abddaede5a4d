namespace Aggregator.Data.Resilience;

/// <summary>
/// What the transactions of one unit of work (an HTTP request) have committed so far, so that the unit is run
/// again only while nothing of it can be stored: a request whose transaction failed before its COMMIT left
/// nothing behind and may be repeated whole; one that committed, or whose COMMIT broke off with the outcome
/// unknown, may not (a repeat could store twice). <see cref="DbSession.CommitAsync"/> records into the
/// journal of the current async flow, if there is one.
/// </summary>
public sealed class CommitJournal
{
    private static readonly AsyncLocal<CommitJournal?> Flow = new();
    private int _commits;
    private int _uncertain;

    private CommitJournal() { }

    /// <summary>A new journal for the calling async flow and everything it awaits.</summary>
    public static CommitJournal Start() => Flow.Value = new CommitJournal();

    internal static CommitJournal? Current => Flow.Value;

    /// <summary>A transaction of the unit committed.</summary>
    public bool Committed => Volatile.Read(ref _commits) > 0;

    /// <summary>A COMMIT of the unit failed without an answer: it may or may not have taken effect.</summary>
    public bool OutcomeUnknown => Volatile.Read(ref _uncertain) > 0;

    /// <summary>Nothing of the unit can have been stored: running it again cannot store anything twice.</summary>
    public bool NothingStored => !Committed && !OutcomeUnknown;

    internal void RecordCommit() => Interlocked.Increment(ref _commits);

    internal void RecordUnknownOutcome() => Interlocked.Increment(ref _uncertain);
}
