using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// More runs than slots on the real engine: no more containers run at once than
/// the silo has slots, each owner's runs start in arrival order, and an owner
/// with many runs does not keep another owner's run behind all of them.
/// </summary>
public sealed class RunQueueTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Slots = 2;

    [Fact]
    public async Task QueueKeepsSlotLimitAndTakesTurns()
    {
        // Given four runs of owner A, then two of owner B, each about two seconds long
        var arrivals = new List<(string Owner, string RunId)>();
        foreach (var owner in new[] { "A", "A", "A", "A", "B", "B" })
        {
            var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("slow_rank_mean.pkl"), owner: owner);
            arrivals.Add((owner, receipt.LiveRunId!));
        }

        // When they all run, the last one shows its place in the queue while it waits
        var lastPosition = await WaitForQueuePositionAsync(arrivals[^1].RunId);
        var runs = new Dictionary<string, RunSnapshot>();
        foreach (var (_, runId) in arrivals)
        {
            runs[runId] = await fixture.WaitForEndAsync(runId, TimeSpan.FromMinutes(3));
        }

        // Then every run succeeded and at most two ran at any moment
        Assert.True(lastPosition >= 1, $"queue position {lastPosition}");
        Assert.All(runs.Values, run => Assert.True(run.Status == RunStatus.Success, $"{run.RunId}: {run.Status} {run.Description}"));
        var intervals = runs.Values.Select(RunningInterval).ToArray();
        foreach (var (start, _) in intervals)
        {
            var running = intervals.Count(other => other.Start <= start && start < other.End);
            Assert.True(running <= Slots, $"{running} containers ran at {start:O}");
        }

        // And each owner's runs started in arrival order, with B's first run before A's third
        var starts = arrivals.Select(a => (a.Owner, a.RunId, Start: RunningInterval(runs[a.RunId]).Start)).ToArray();
        foreach (var owner in new[] { "A", "B" })
        {
            var ownStarts = starts.Where(s => s.Owner == owner).Select(s => s.Start).ToArray();
            Assert.True(ownStarts.SequenceEqual(ownStarts.Order()), $"{owner}'s runs started out of order: {string.Join(", ", ownStarts.Select(s => s.ToString("O")))}");
        }

        var thirdOfA = starts.Where(s => s.Owner == "A").ElementAt(2).Start;
        var firstOfB = starts.First(s => s.Owner == "B").Start;
        Assert.True(firstOfB < thirdOfA, $"B's first run started at {firstOfB:O}, after A's third at {thirdOfA:O}");
    }

    /// <summary>From the Running entry of the run's timeline to the entry after it.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) RunningInterval(RunSnapshot run)
    {
        var index = run.History.ToList().FindIndex(h => h.Status == RunStatus.Running);
        Assert.True(index >= 0 && index + 1 < run.History.Count, $"{run.RunId} has no complete Running entry");
        return (run.History[index].At, run.History[index + 1].At);
    }

    private async Task<int> WaitForQueuePositionAsync(string runId)
    {
        var grain = fixture.Grains.GetGrain<IRunGrain>(runId);
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < stopAt)
        {
            var run = await grain.GetAsync();
            if (run is { QueuePosition: > 0, WaitingSince: not null })
            {
                return run.QueuePosition.Value;
            }

            if (run is { Status: not RunStatus.Pending })
            {
                return 0;
            }

            await Task.Delay(50);
        }

        return 0;
    }
}
