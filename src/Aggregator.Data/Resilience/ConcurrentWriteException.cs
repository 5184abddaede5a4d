namespace Aggregator.Data.Resilience;

/// <summary>
/// The transaction found, only after writing, that a concurrent one got there first in a way it could not wait for
/// (two first versions of one report, neither with a row to lock beforehand): like a serialization failure, it is
/// rolled back and the whole unit of work runs again, then seeing what the other committed.
/// </summary>
public sealed class ConcurrentWriteException(string message) : Exception(message);
