using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Aggregator.Api.Generations;

/// <summary>
/// This replica's view of every (tenant, year)'s figures generation: the generation of the stored figures (the
/// rollup job's, rollup_state.figures_generation) and the changes not yet in them (figure_changes). Kept current
/// by <see cref="FigureGenerationListener"/> from NOTIFY and a poll, never by a request. A figure read takes its
/// ETag from it, so a read whose figures have not moved is answered without the database.
/// </summary>
/// <remarks>
/// The token of a year is the figures' generation, the number of pending changes and a digest of their
/// generations (XOR of their hashes, computed by the database: <see cref="FigureGenerationListener.ReadOneSql"/>). Changes commit in any order of their numbers, so a highest number would not do: a change that
/// took its number before the last one but committed after it must move the token too. Until the job consumes
/// them, pending changes only grow, and consuming them takes a new figures generation, so a token never comes
/// back for other figures; and every replica that has seen the same commits holds the same token.
/// </remarks>
public sealed class FigureGenerations
{
    private sealed class Year
    {
        public long Figures;
        public long Pending;
        public long Digest;
    }

    private readonly Lock _gate = new();
    private Dictionary<Guid, Dictionary<int, Year>> _tenants = [];
    // Changes this replica committed whose announcement it has not yet heard read back: their years are read from the database
    // meanwhile, so a client reads its own write at once (another replica catches up within a notification).
    private readonly Dictionary<(Guid Tenant, int Year), long> _expected = [];
    // Signalled when a year's (or any year of a tenant's) generations move: an answer kept under the old ones can never be
    // met again (its key holds them), so the answer cache drops it then instead of when its sliding expiry runs out.
    private readonly Dictionary<(Guid Tenant, int Year), Moves> _yearMoves = [];
    private readonly Dictionary<Guid, Moves> _tenantMoves = [];

    /// <summary>One signal of moves and the token handed to every read until it fires (one object for all of them).</summary>
    private sealed class Moves
    {
        public CancellationTokenSource Source { get; } = new();
        public CancellationChangeToken Token { get; }

        public Moves() => Token = new CancellationChangeToken(Source.Token);
    }
    private volatile bool _loaded;
    private long _updates;
    private long _reads;

    /// <summary>True once the whole state was read from the database; before that nothing is answered from memory.</summary>
    public bool Loaded => _loaded;

    /// <summary>How many times everything was read anew (each (re)connect and poll).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>How many times the state changed (tests wait on it).</summary>
    public long Updates => Interlocked.Read(ref _updates);

    /// <summary>For logs and test failures: whether loaded, how many updates, which years await their announcement.</summary>
    public string Describe()
    {
        lock (_gate) return $"loaded={_loaded} updates={Updates} expected={string.Join(",", _expected.Keys.Select(key => $"{key.Tenant}/{key.Year}"))}";
    }

    /// <summary>The token of one year, or null before the state was loaded.</summary>
    public string? TokenOf(Guid tenantId, int year)
    {
        if (!_loaded) return null;
        lock (_gate)
        {
            if (Awaited(tenantId, year)) return null;
            return _tenants.TryGetValue(tenantId, out var years) && years.TryGetValue(year, out var state)
                ? Token(year, state)
                : Token(year, null);
        }
    }

    /// <summary>The tokens of several years, in the order given (a comparison, a quality check against the year before).</summary>
    public string? TokenOf(Guid tenantId, IEnumerable<int> years)
    {
        if (!_loaded) return null;
        var text = new StringBuilder();
        lock (_gate)
        {
            _tenants.TryGetValue(tenantId, out var known);
            foreach (var year in years)
            {
                if (Awaited(tenantId, year)) return null;
                text.Append(Token(year, known is not null && known.TryGetValue(year, out var state) ? state : null)).Append(';');
            }
        }
        return text.ToString();
    }

    /// <summary>The tokens of every year of the tenant (a series, or a read whose years are not known before it runs).</summary>
    public string? TokenOfTenant(Guid tenantId)
    {
        if (!_loaded) return null;
        var text = new StringBuilder("all;");
        lock (_gate)
        {
            if (_expected.Keys.Any(key => key.Tenant == tenantId && Awaited(key.Tenant, key.Year))) return null;
            if (!_tenants.TryGetValue(tenantId, out var years)) return text.ToString();
            foreach (var (year, state) in years.OrderBy(pair => pair.Key)) text.Append(Token(year, state)).Append(';');
        }
        return text.ToString();
    }

    /// <summary>
    /// A token that changes when the generations of any of <paramref name="years"/> (null: of any year of the tenant) move
    /// on this replica. Taken before the generations a read is keyed by: if they move in between, what is kept under them
    /// is dropped at once.
    /// </summary>
    public IChangeToken MovesOf(Guid tenantId, IReadOnlyCollection<int>? years)
    {
        lock (_gate)
        {
            if (years is null) return Token(_tenantMoves, tenantId);
            if (years.Count == 1) return Token(_yearMoves, (tenantId, years.First()));
            return new CompositeChangeToken(years.Select(year => (IChangeToken)Token(_yearMoves, (tenantId, year))).ToList());
        }

        static CancellationChangeToken Token<TKey>(Dictionary<TKey, Moves> signals, TKey key) where TKey : notnull
        {
            if (!signals.TryGetValue(key, out var moves)) signals[key] = moves = new Moves();
            return moves.Token;
        }
    }

    /// <summary>Under the lock: takes the sources to signal for a year whose generations moved (signalled after the lock).</summary>
    private void Moved(Guid tenantId, int year, List<CancellationTokenSource> moved)
    {
        if (_yearMoves.Remove((tenantId, year), out var ofYear)) moved.Add(ofYear.Source);
        if (_tenantMoves.Remove(tenantId, out var ofTenant)) moved.Add(ofTenant.Source);
    }

    private static void Signal(List<CancellationTokenSource> moved)
    {
        foreach (var source in moved)
        {
            source.Cancel();
            source.Dispose();
        }
    }

    /// <summary>
    /// Whether this replica awaits the announcement of a change it committed to the year (until a reading of the year begun after it). Not for longer than
    /// <see cref="ExpectAtMost"/>: one heard before it was expected (it may overtake the writer's after-commit step)
    /// would otherwise keep the year from memory until the next poll.
    /// </summary>
    private bool Awaited(Guid tenantId, int year) =>
        _expected.TryGetValue((tenantId, year), out var since) && Stopwatch.GetElapsedTime(since) < ExpectAtMost;

    private static readonly TimeSpan ExpectAtMost = TimeSpan.FromSeconds(1);

    /// <summary>The token of a year from what the database holds (tests compare it with this replica's).</summary>
    public static string TokenFrom(int year, long figures, long pending, long digest) =>
        Token(year, new Year { Figures = figures, Pending = pending, Digest = digest });

    private static string Token(int year, Year? state) =>
        state is null
            ? string.Create(CultureInfo.InvariantCulture, $"{year}:0:0:0")
            : string.Create(CultureInfo.InvariantCulture, $"{year}:{state.Figures}:{state.Pending}:{(ulong)state.Digest:x16}");

    /// <summary>This replica committed a change of the year (after its commit): its announcement is on the way.</summary>
    public void Expect(Guid tenantId, int year, long now)
    {
        lock (_gate) _expected[(tenantId, year)] = now;
    }

    /// <summary>
    /// Figures were stored (the job's NOTIFY): their generation at once; which changes they consumed comes with the
    /// refresh of the year that follows (<see cref="Replace(Row, long)"/>).
    /// </summary>
    public void Stored(Guid tenantId, int year, long figures)
    {
        var moved = new List<CancellationTokenSource>();
        lock (_gate)
        {
            var state = YearOf(tenantId, year);
            if (state.Figures == figures) return;
            state.Figures = figures;
            Moved(tenantId, year, moved);
            Interlocked.Increment(ref _updates);
        }
        Signal(moved);
    }

    /// <summary>
    /// One year as the database has it, read from <paramref name="readSince"/> (Stopwatch ticks) on: a change this
    /// replica expected before it is in it.
    /// </summary>
    public void Replace(Row row, long readSince)
    {
        var moved = new List<CancellationTokenSource>();
        lock (_gate)
        {
            if (_expected.TryGetValue((row.TenantId, row.Year), out var since) && since < readSince) _expected.Remove((row.TenantId, row.Year));
            var state = YearOf(row.TenantId, row.Year);
            if (state.Figures != row.Figures || state.Pending != row.Pending || state.Digest != row.Digest) Moved(row.TenantId, row.Year, moved);
            state.Figures = row.Figures;
            state.Pending = row.Pending;
            state.Digest = row.Digest;
            Interlocked.Increment(ref _updates);
        }
        Signal(moved);
    }

    /// <summary>A year's generations as read: its figures', and how many changes are pending with a digest of their numbers.</summary>
    public sealed record Row(Guid TenantId, int Year, long Figures, long Pending, long Digest);

    /// <summary>Everything as the database has it (on every (re)connect and every poll).</summary>
    /// <param name="rows">Every year with stored figures or pending changes.</param>
    /// <param name="readSince">When the reading began (Stopwatch ticks): changes this replica expected before it are in it.</param>
    public void ReplaceAll(IEnumerable<Row> rows, long readSince)
    {
        var tenants = new Dictionary<Guid, Dictionary<int, Year>>();
        foreach (var row in rows)
        {
            if (!tenants.TryGetValue(row.TenantId, out var years)) tenants[row.TenantId] = years = [];
            years[row.Year] = new Year { Figures = row.Figures, Pending = row.Pending, Digest = row.Digest };
        }
        var moved = new List<CancellationTokenSource>();
        lock (_gate)
        {
            // Every year whose generations differ from those held, or that is no longer held.
            foreach (var (tenantId, year) in _yearMoves.Keys.ToList())
            {
                _tenants.TryGetValue(tenantId, out var before);
                tenants.TryGetValue(tenantId, out var after);
                Year? old = null, now = null;
                if ((before?.TryGetValue(year, out old) ?? false) != (after?.TryGetValue(year, out now) ?? false)
                    || (old is not null && now is not null && (old.Figures != now.Figures || old.Pending != now.Pending || old.Digest != now.Digest)))
                    Moved(tenantId, year, moved);
            }
            foreach (var tenantId in _tenantMoves.Keys.ToList())
                if (!SameYears(_tenants.GetValueOrDefault(tenantId), tenants.GetValueOrDefault(tenantId)) && _tenantMoves.Remove(tenantId, out var ofTenant))
                    moved.Add(ofTenant.Source);
            _tenants = tenants;
            foreach (var (key, since) in _expected.ToList())
                if (since < readSince) _expected.Remove(key);
            _loaded = true;
            Interlocked.Increment(ref _updates);
            Interlocked.Increment(ref _reads);
        }
        Signal(moved);
    }

    private static bool SameYears(Dictionary<int, Year>? before, Dictionary<int, Year>? after) =>
        (before?.Count ?? 0) == (after?.Count ?? 0)
        && (before is null || before.All(pair => after!.TryGetValue(pair.Key, out var now)
                                                 && now.Figures == pair.Value.Figures && now.Pending == pair.Value.Pending && now.Digest == pair.Value.Digest));

    private Year YearOf(Guid tenantId, int year)
    {
        if (!_tenants.TryGetValue(tenantId, out var years)) _tenants[tenantId] = years = [];
        if (!years.TryGetValue(year, out var state)) years[year] = state = new Year();
        return state;
    }
}
