using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ModelUploads.Hosting;
using ModelUploads.Runs;

namespace ModelUploads.Tests.Unit;

public sealed class SandboxSlotsTests
{
    private const string Owner = "owner";

    [Fact]
    public void SandboxSlotsTakesCapacityFromOption()
    {
        Assert.Equal(3, Slots(3).Capacity);
    }

    [Fact]
    public void SingleSlotServesRunsInArrivalOrder()
    {
        // Given
        var slots = Slots(1);
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1);
        AssertQueued(slots, "c", 2);

        // When
        slots.Release("a");

        // Then
        AssertQueued(slots, "c", 2);
        AssertAcquired(slots, "b");
        AssertQueued(slots, "c", 1);

        slots.Release("b");
        AssertAcquired(slots, "c");
        Assert.Equal(1, slots.InUse);
    }

    [Fact]
    public void TwoSlotsServeRunsInArrivalOrder()
    {
        // Given
        var slots = Slots(2);
        AssertAcquired(slots, "a");
        AssertAcquired(slots, "b");
        AssertQueued(slots, "c", 1);
        AssertQueued(slots, "d", 2);

        // When
        slots.Release("a");

        // Then
        AssertQueued(slots, "d", 2);
        AssertAcquired(slots, "c");
        AssertQueued(slots, "d", 1);
        Assert.Equal(2, slots.InUse);

        slots.Release("b");
        AssertAcquired(slots, "d");
        Assert.Equal(2, slots.InUse);
    }

    [Fact]
    public void TryAcquireQueuesRunOnlyOnce()
    {
        // Given
        var slots = Slots(1);
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1);

        // When
        AssertQueued(slots, "b", 1);
        AssertQueued(slots, "b", 1);

        // Then
        AssertQueued(slots, "c", 2);
    }

    [Fact]
    public void TryAcquireKeepsHolderInOneSlot()
    {
        // Given
        var slots = Slots(2);
        AssertAcquired(slots, "a");

        // When
        AssertAcquired(slots, "a");

        // Then
        Assert.Equal(1, slots.InUse);
        AssertAcquired(slots, "b");
    }

    [Fact]
    public void ReleaseRemovesWaitingRunFromQueue()
    {
        // Given
        var slots = Slots(1);
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1);
        AssertQueued(slots, "c", 2);

        // When
        slots.Release("b");

        // Then
        AssertQueued(slots, "c", 1);
        Assert.Equal(1, slots.InUse);
    }

    [Fact]
    public void ReleaseIgnoresUnknownRun()
    {
        // Given
        var slots = Slots(1);
        AssertAcquired(slots, "a");

        // When
        slots.Release("unknown");

        // Then
        Assert.Equal(1, slots.InUse);
        AssertQueued(slots, "b", 1);
    }

    [Fact]
    public void AdoptCountsPastCapacity()
    {
        // Given
        var slots = Slots(1);

        // When
        slots.Adopt("x", Owner);
        slots.Adopt("y", Owner);

        // Then
        Assert.Equal(2, slots.InUse);
        AssertQueued(slots, "a", 1);

        slots.Release("x");
        AssertQueued(slots, "a", 1);

        slots.Release("y");
        AssertAcquired(slots, "a");
    }

    [Fact]
    public void AdoptRemovesRunFromQueue()
    {
        // Given
        var slots = Slots(1);
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1);
        AssertQueued(slots, "c", 2);

        // When
        slots.Adopt("b", Owner);

        // Then
        Assert.Equal(2, slots.InUse);
        AssertAcquired(slots, "b");
        AssertQueued(slots, "c", 1);
    }

    [Fact]
    public void OwnerWithManyRunsDoesNotStarveOthers()
    {
        // Given one slot, held by owner A, and three more of A's runs queued before B's one run
        var slots = Slots(1);
        Assert.True(slots.TryAcquire("a1", "A", out _), "a1 was not given the free slot");
        Assert.False(slots.TryAcquire("a2", "A", out _), "a2 took a slot that a1 holds");
        Assert.False(slots.TryAcquire("a3", "A", out _), "a3 took a slot that a1 holds");
        Assert.False(slots.TryAcquire("b1", "B", out var position), "b1 took a slot that a1 holds");

        // Then B's run is next, because A already holds the slot
        Assert.True(position == 1, $"b1 is at position {position}");

        // When A's run ends, B's run starts before A's others
        slots.Release("a1");
        Assert.False(slots.TryAcquire("a2", "A", out var a2Position), "a2 took the slot before b1");
        Assert.True(a2Position == 2, $"a2 is at position {a2Position}");
        Assert.True(slots.TryAcquire("b1", "B", out _), "b1 was not given the freed slot");
    }

    [Fact]
    public void ReleaseWakesOnlyFirstWaiter()
    {
        // Given
        var slots = Slots(1);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1, woken);
        AssertQueued(slots, "c", 2, woken);

        // When
        slots.Release("a");

        // Then
        Assert.Equal(["b"], woken);
    }

    [Fact]
    public void ReleaseWakesFirstWaiterInStartOrder()
    {
        // Given one slot, held by owner A, with two more of A's runs queued before B's one run
        var slots = Slots(1);
        var woken = new List<string>();
        Assert.True(slots.TryAcquire("a1", "A", Recorder(woken, "a1"), out _), "a1 was not given the free slot");
        Assert.False(slots.TryAcquire("a2", "A", Recorder(woken, "a2"), out _), "a2 took a slot that a1 holds");
        Assert.False(slots.TryAcquire("a3", "A", Recorder(woken, "a3"), out _), "a3 took a slot that a1 holds");
        Assert.False(slots.TryAcquire("b1", "B", Recorder(woken, "b1"), out _), "b1 took a slot that a1 holds");

        // When
        slots.Release("a1");

        // Then B's run is woken, not A's older runs
        Assert.Equal(["b1"], woken);
    }

    [Fact]
    public void ReleaseWakesNobodyWhenNobodyWaits()
    {
        // Given
        var slots = Slots(1);
        var woken = new List<string>();
        Assert.True(slots.TryAcquire("a", Owner, Recorder(woken, "a"), out var position), $"run 'a' was queued at position {position}");

        // When
        slots.Release("a");

        // Then
        Assert.Empty(woken);
    }

    [Fact]
    public void ReleaseDoesNotWakeRunThatTookSlot()
    {
        // Given b waited, was woken and took the slot
        var slots = Slots(1);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1, woken);
        slots.Release("a");
        Assert.True(slots.TryAcquire("b", Owner, Recorder(woken, "b"), out var position), $"run 'b' was queued at position {position}");

        // When
        slots.Release("b");

        // Then b was woken only by a's release
        Assert.Equal(["b"], woken);
    }

    [Fact]
    public void ReleaseDoesNotWakeRemovedWaiter()
    {
        // Given
        var slots = Slots(1);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1, woken);
        AssertQueued(slots, "c", 2, woken);

        // When b leaves the queue, then a frees the slot
        slots.Release("b");
        var wokenBeforeSlotFreed = woken.ToArray();
        slots.Release("a");

        // Then
        Assert.Empty(wokenBeforeSlotFreed);
        Assert.Equal(["c"], woken);
    }

    [Fact]
    public void ReleaseDoesNotWakeStaleWaiter()
    {
        // Given b stopped polling longer ago than StaleAfter, and c polled since
        var clock = new FakeTimeProvider();
        var slots = Slots(1, clock);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1, woken);
        clock.Advance(slots.StaleAfter / 2);
        AssertQueued(slots, "c", 2, woken);
        clock.Advance(slots.StaleAfter / 2 + TimeSpan.FromSeconds(1));

        // When
        slots.Release("a");

        // Then
        Assert.Equal(["c"], woken);
    }

    [Fact]
    public void StaleDropWakesRunNowFirst()
    {
        // Given the slot freed for b, whose grain is gone, with c and d behind it
        var clock = new FakeTimeProvider();
        var slots = Slots(1, clock);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertQueued(slots, "b", 1, woken);
        clock.Advance(slots.StaleAfter / 2);
        AssertQueued(slots, "c", 2, woken);
        AssertQueued(slots, "d", 3, woken);
        slots.Release("a");
        clock.Advance(slots.StaleAfter / 2 + TimeSpan.FromSeconds(1));

        // When d polls and b drops out as stale
        AssertQueued(slots, "d", 2, woken);

        // Then c, now first, is woken for the free slot
        Assert.Equal(["b", "c"], woken);
    }

    [Fact]
    public void ReleaseWakesNobodyWithoutFreeSlot()
    {
        // Given two adopted containers past the capacity of one
        var slots = Slots(1);
        var woken = new List<string>();
        slots.Adopt("x", Owner);
        slots.Adopt("y", Owner);
        AssertQueued(slots, "a", 1, woken);

        // When
        slots.Release("x");
        var wokenWhileFull = woken.ToArray();
        slots.Release("y");

        // Then
        Assert.Empty(wokenWhileFull);
        Assert.Equal(["a"], woken);
    }

    [Fact]
    public void AcquireWakesNextWaiterForFreeSlot()
    {
        // Given two slots freed while c and d wait
        var slots = Slots(2);
        var woken = new List<string>();
        AssertAcquired(slots, "a");
        AssertAcquired(slots, "b");
        AssertQueued(slots, "c", 1, woken);
        AssertQueued(slots, "d", 2, woken);
        slots.Release("a");
        slots.Release("b");
        Assert.Equal(["c", "c"], woken);

        // When c takes one slot
        Assert.True(slots.TryAcquire("c", Owner, Recorder(woken, "c"), out var position), $"run 'c' was queued at position {position}");

        // Then d is woken for the other
        Assert.Equal(["c", "c", "d"], woken);
    }

    private static SandboxSlots Slots(int capacity) => new(Options.Create(new SandboxOptions { Slots = capacity }));

    private static SandboxSlots Slots(int capacity, TimeProvider clock) =>
        new(Options.Create(new SandboxOptions { Slots = capacity }), clock);

    private static Action Recorder(List<string> woken, string runId) => () => woken.Add(runId);

    private static void AssertAcquired(SandboxSlots slots, string runId)
    {
        var acquired = slots.TryAcquire(runId, Owner, out var position);
        Assert.True(acquired, $"run '{runId}' was queued at position {position}");
        Assert.Equal(0, position);
    }

    private static void AssertQueued(SandboxSlots slots, string runId, int expectedPosition, List<string>? woken = null)
    {
        var wake = woken is null ? null : Recorder(woken, runId);
        var acquired = slots.TryAcquire(runId, Owner, wake, out var position);
        Assert.False(acquired, $"run '{runId}' took a slot; expected queue position {expectedPosition}");
        Assert.Equal(expectedPosition, position);
    }
}
