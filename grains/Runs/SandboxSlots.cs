using Microsoft.Extensions.Options;
using ModelUploads.Hosting;

namespace ModelUploads.Runs;

/// <summary>
/// This silo's sandbox slots and the queue in front of them. When a slot is
/// free, the next run is the oldest waiting run of the owner who has the
/// fewest slots; among those, the owner served longest ago goes first, then the
/// owner whose oldest run arrived first. So a single owner's runs start in
/// arrival order, and owners take turns: one owner's many models cannot keep
/// another owner's run waiting behind all of them.
/// </summary>
/// <remarks>
/// Run grains poll <see cref="TryAcquire(string, string, out int)"/> on their timer; a
/// waiting run that has not polled for <see cref="StaleAfter"/> (its grain is gone) drops
/// out of the queue so it cannot block the runs behind it. A waiting run may register a
/// wake callback, which is invoked when a slot is free and the run is first in the start
/// order, so it need not wait for its next poll.
/// </remarks>
internal sealed class SandboxSlots
{
    private readonly object _lock = new();
    private readonly List<Waiting> _waiting = [];
    private readonly Dictionary<string, string> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastServed = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private long _arrivals;
    private long _served;

    public SandboxSlots(IOptions<SandboxOptions> options)
        : this(options, TimeProvider.System)
    {
    }

    /// <param name="options">The slot count and the poll interval.</param>
    /// <param name="clock">
    /// The clock for the liveness of this process's grains. It is the machine's clock
    /// (<see cref="TimeProvider.System"/>) outside tests, not the domain's TimeProvider.
    /// </param>
    internal SandboxSlots(IOptions<SandboxOptions> options, TimeProvider clock)
    {
        _clock = clock;
        Capacity = options.Value.EffectiveSlots();
        StaleAfter = options.Value.PollInterval * 30;
    }

    public int Capacity { get; }

    /// <summary>How long a waiting run may go without polling before it leaves the queue.</summary>
    public TimeSpan StaleAfter { get; }

    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _holders.Count;
            }
        }
    }

    /// <summary>
    /// Takes a slot for the run if it is its turn; otherwise queues it (once) and
    /// returns its one-based place in the start order.
    /// </summary>
    public bool TryAcquire(string runId, string owner, out int queuePosition) =>
        TryAcquire(runId, owner, wake: null, out queuePosition);

    /// <summary>
    /// Takes a slot for the run if it is its turn. Otherwise it queues the run (once),
    /// replaces the run's wake callback with <paramref name="wake"/>, and returns the run's
    /// one-based place in the start order.
    /// </summary>
    /// <param name="wake">
    /// Invoked when a slot is free and this run is first in the start order. It runs on the
    /// thread of the caller that freed the slot, outside this object's lock, so it must return
    /// quickly and must not throw. It may run more than once before the run polls again.
    /// </param>
    public bool TryAcquire(string runId, string owner, Action? wake, out int queuePosition)
    {
        Action? wakeNext;
        bool acquired;
        lock (_lock)
        {
            acquired = TryAcquireLocked(runId, owner, wake, out queuePosition, out wakeNext);
        }

        wakeNext?.Invoke();
        return acquired;
    }

    /// <summary>Counts a container found running after a restart as holding a slot, even past capacity.</summary>
    public void Adopt(string runId, string owner)
    {
        lock (_lock)
        {
            _waiting.RemoveAll(w => w.RunId == runId);
            _holders[runId] = owner;
        }
    }

    /// <summary>
    /// Frees the run's slot or takes it out of the queue, then wakes the run that is
    /// now first in the start order if a slot is free.
    /// </summary>
    public void Release(string runId)
    {
        Action? wakeNext;
        lock (_lock)
        {
            _waiting.RemoveAll(w => w.RunId == runId);
            _holders.Remove(runId);
            DropStaleWaiters(Now());
            wakeNext = NextWakeLocked(exceptRunId: null);
        }

        wakeNext?.Invoke();
    }

    private bool TryAcquireLocked(string runId, string owner, Action? wake, out int queuePosition, out Action? wakeNext)
    {
        queuePosition = 0;
        wakeNext = null;
        if (_holders.ContainsKey(runId))
        {
            return true;
        }

        var now = Now();
        var entry = _waiting.Find(w => w.RunId == runId);
        if (entry is null)
        {
            entry = new Waiting(runId, owner, _arrivals++);
            _waiting.Add(entry);
        }

        entry.LastPolled = now;
        entry.Wake = wake;
        var droppedStale = DropStaleWaiters(now) > 0;

        var order = StartOrder();
        queuePosition = order.IndexOf(entry) + 1;
        if (queuePosition == 1 && _holders.Count < Capacity)
        {
            _waiting.Remove(entry);
            _holders[runId] = owner;
            _lastServed[owner] = ++_served;
            queuePosition = 0;

            // With more than one slot free, the run behind this one may start too.
            wakeNext = NextWakeLocked(exceptRunId: null);
            return true;
        }

        // A stale run at the head may have kept a free slot from the run now first. Other
        // polls leave the head alone, because it was woken when the slot freed.
        if (droppedStale)
        {
            wakeNext = NextWakeLocked(exceptRunId: runId);
        }

        return false;
    }

    /// <summary>The wake callback of the first waiting run when a slot is free, or null.</summary>
    private Action? NextWakeLocked(string? exceptRunId)
    {
        if (_waiting.Count == 0 || _holders.Count >= Capacity)
        {
            return null;
        }

        var first = StartOrder()[0];
        return first.RunId == exceptRunId ? null : first.Wake;
    }

    private int DropStaleWaiters(long now) =>
        _waiting.RemoveAll(w => _clock.GetElapsedTime(w.LastPolled, now) > StaleAfter);

    private long Now() => _clock.GetTimestamp();

    /// <summary>The waiting runs in the order they would start if slots freed one at a time.</summary>
    private List<Waiting> StartOrder()
    {
        var held = _holders.Values.GroupBy(o => o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lastServed = new Dictionary<string, long>(_lastServed, StringComparer.Ordinal);
        var served = _served;
        var queues = _waiting
            .OrderBy(w => w.Arrival)
            .GroupBy(w => w.Owner, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<Waiting>(g), StringComparer.Ordinal);
        var order = new List<Waiting>(_waiting.Count);
        while (queues.Count > 0)
        {
            var next = queues
                .OrderBy(q => held.GetValueOrDefault(q.Key))
                .ThenBy(q => lastServed.GetValueOrDefault(q.Key))
                .ThenBy(q => q.Value.Peek().Arrival)
                .First();
            order.Add(next.Value.Dequeue());
            held[next.Key] = held.GetValueOrDefault(next.Key) + 1;
            lastServed[next.Key] = ++served;
            if (next.Value.Count == 0)
            {
                queues.Remove(next.Key);
            }
        }

        return order;
    }

    private sealed class Waiting(string runId, string owner, long arrival)
    {
        public string RunId { get; } = runId;
        public string Owner { get; } = owner;
        public long Arrival { get; } = arrival;

        /// <summary>The <see cref="TimeProvider.GetTimestamp"/> value of the run's latest poll.</summary>
        public long LastPolled { get; set; }

        public Action? Wake { get; set; }
    }
}
