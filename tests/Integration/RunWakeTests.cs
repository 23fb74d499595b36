using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// A cluster whose run grains poll only every ten minutes and that has one sandbox slot.
/// Within a test, a run can move on only when a wake drives it. The wakes are its
/// container's exit and the slot freeing while the run is first in the queue.
/// </summary>
public sealed class SlowPollClusterFixture : ClusterFixture
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(10);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings(string datasetDirectory) => new Dictionary<string, string?>
    {
        ["Sandbox:PollInterval"] = PollInterval.ToString(),
        ["Sandbox:Slots"] = "1",
    };
}

public sealed class RunWakeTests(SlowPollClusterFixture fixture) : IClassFixture<SlowPollClusterFixture>
{
    [Fact]
    public async Task ExitAndFreedSlotWakeRuns()
    {
        // Given two runs on one slot, the second queued behind the first
        var (_, first) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        var (_, second) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));

        // When both are followed for less than one poll interval
        var deadline = SlowPollClusterFixture.PollInterval / 4;
        var firstRun = await fixture.WaitForEndAsync(first.LiveRunId!, deadline);
        var secondRun = await fixture.WaitForEndAsync(second.LiveRunId!, deadline);

        // Then both succeeded: the first moved on when its container exited, the second when the slot freed
        Assert.True(firstRun.Status == RunStatus.Success, $"{firstRun.Status}: {firstRun.Description}");
        Assert.True(secondRun.Status == RunStatus.Success, $"{secondRun.Status}: {secondRun.Description}");
        Assert.Contains(secondRun.History, change => change.Status == RunStatus.Pending);
        var secondStarted = secondRun.History.First(change => change.Status == RunStatus.Running).At;
        Assert.True(secondStarted >= firstRun.History.First(change => change.Status == RunStatus.Validating).At,
            $"the second run started at {secondStarted:O}, before the first left its slot");
    }
}
