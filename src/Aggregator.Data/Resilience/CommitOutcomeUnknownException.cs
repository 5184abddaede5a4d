namespace Aggregator.Data.Resilience;

/// <summary>
/// A COMMIT that broke off without PostgreSQL's answer (the connection broke, the server went down): the transaction
/// may or may not have been stored. Never retried — a repeat could store twice — but answered 503 saying so; the
/// client's retry with the same Idempotency-Key is then answered from what was recorded, if it was.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception fault)
    : Exception("The connection broke off while the transaction was being committed: its outcome is unknown.", fault);
