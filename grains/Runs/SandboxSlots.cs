using Microsoft.Extensions.Options;
using ModelUploads.Hosting;

namespace ModelUploads.Runs;

/// <summary>
/// This silo's sandbox slots and the first-come queue in front of them. A run
/// takes a slot only when it is at the head of the queue and a slot is free, so
/// runs start in order of arrival.
/// </summary>
internal sealed class SandboxSlots(IOptions<SandboxOptions> options)
{
    private readonly object _lock = new();
    private readonly LinkedList<string> _waiting = new();
    private readonly HashSet<string> _holders = new(StringComparer.Ordinal);

    public int Capacity { get; } = options.Value.EffectiveSlots();

    /// <summary>
    /// Takes a slot for the run if it is its turn; otherwise queues it (once) and
    /// returns its one-based place in the queue.
    /// </summary>
    public bool TryAcquire(string runId, out int queuePosition)
    {
        lock (_lock)
        {
            queuePosition = 0;
            if (_holders.Contains(runId))
            {
                return true;
            }

            if (!_waiting.Contains(runId))
            {
                _waiting.AddLast(runId);
            }

            if (_holders.Count < Capacity && _waiting.First!.Value == runId)
            {
                _waiting.RemoveFirst();
                _holders.Add(runId);
                return true;
            }

            queuePosition = 1;
            foreach (var waiting in _waiting)
            {
                if (waiting == runId)
                {
                    break;
                }

                queuePosition++;
            }

            return false;
        }
    }

    /// <summary>Counts a container found running after a restart as holding a slot, even past capacity.</summary>
    public void Adopt(string runId)
    {
        lock (_lock)
        {
            _waiting.Remove(runId);
            _holders.Add(runId);
        }
    }

    public void Release(string runId)
    {
        lock (_lock)
        {
            _waiting.Remove(runId);
            _holders.Remove(runId);
        }
    }

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
}
