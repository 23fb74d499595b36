using Microsoft.Extensions.Options;
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

    private static SandboxSlots Slots(int capacity) => new(Options.Create(new SandboxOptions { Slots = capacity }));

    private static void AssertAcquired(SandboxSlots slots, string runId)
    {
        var acquired = slots.TryAcquire(runId, Owner, out var position);
        Assert.True(acquired, $"run '{runId}' was queued at position {position}");
        Assert.Equal(0, position);
    }

    private static void AssertQueued(SandboxSlots slots, string runId, int expectedPosition)
    {
        var acquired = slots.TryAcquire(runId, Owner, out var position);
        Assert.False(acquired, $"run '{runId}' took a slot; expected queue position {expectedPosition}");
        Assert.Equal(expectedPosition, position);
    }
}
