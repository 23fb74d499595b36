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
/// Run grains poll <see cref="TryAcquire"/> on their timer; a waiting run that
/// has not polled for <see cref="StaleAfter"/> (its grain is gone) drops out of
/// the queue so it cannot block the runs behind it.
/// </remarks>
internal sealed class SandboxSlots(IOptions<SandboxOptions> options)
{
    private readonly object _lock = new();
    private readonly List<Waiting> _waiting = [];
    private readonly Dictionary<string, string> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastServed = new(StringComparer.Ordinal);
    private long _arrivals;
    private long _served;

    public int Capacity { get; } = options.Value.EffectiveSlots();

    /// <summary>How long a waiting run may go without polling before it leaves the queue.</summary>
    public TimeSpan StaleAfter { get; } = options.Value.PollInterval * 30;

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
    public bool TryAcquire(string runId, string owner, out int queuePosition)
    {
        lock (_lock)
        {
            queuePosition = 0;
            if (_holders.ContainsKey(runId))
            {
                return true;
            }

            // Liveness of this process's grains, so it reads the machine's clock, not the domain's TimeProvider.
            var now = TimeSpan.FromMilliseconds(Environment.TickCount64);
            var entry = _waiting.Find(w => w.RunId == runId);
            if (entry is null)
            {
                entry = new Waiting(runId, owner, _arrivals++);
                _waiting.Add(entry);
            }

            entry.LastPolled = now;
            _waiting.RemoveAll(w => now - w.LastPolled > StaleAfter);

            var order = StartOrder();
            queuePosition = order.IndexOf(entry) + 1;
            if (queuePosition == 1 && _holders.Count < Capacity)
            {
                _waiting.Remove(entry);
                _holders[runId] = owner;
                _lastServed[owner] = ++_served;
                queuePosition = 0;
                return true;
            }

            return false;
        }
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

    public void Release(string runId)
    {
        lock (_lock)
        {
            _waiting.RemoveAll(w => w.RunId == runId);
            _holders.Remove(runId);
        }
    }

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
        public TimeSpan LastPolled { get; set; }
    }
}
