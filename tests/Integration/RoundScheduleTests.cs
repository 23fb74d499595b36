using ModelUploads.Rounds;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Rounds open on the schedule and every uploaded model submits once per
/// round, with days driven by a fake clock instead of waiting.
/// </summary>
public sealed class RoundScheduleTests(ScheduledClusterFixture fixture) : IClassFixture<ScheduledClusterFixture>
{
    private const int Days = 7;

    [Fact]
    public async Task SevenDaysMakeSevenSubmissionsPerModel()
    {
        // Given two uploaded models and no open round
        var rounds = fixture.Grains.GetGrain<IRoundsGrain>(0);
        Assert.Null(await rounds.GetCurrentAsync());
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 13, 0, 0, TimeSpan.Zero), await rounds.GetNextOpenTimeAsync());
        var (first, firstReceipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"), owner: "alice");
        var (second, _) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean_series.pkl"), owner: "bob");
        Assert.Null(firstReceipt.LiveRunId);

        // When seven days pass, one opening at a time
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        for (var day = 1; day <= Days; day++)
        {
            var round = await WaitForRoundAsync(rounds, day);
            await WaitForSubmissionAsync(first, day);
            await WaitForSubmissionAsync(second, day);
            Assert.Equal(new DateTimeOffset(2026, 1, 5 + day - 1, 13, 0, 0, TimeSpan.Zero), round.OpenedAt);
            fixture.Clock.Advance(TimeSpan.FromDays(1));
        }

        // Then seven rounds opened and each model has one run and one submission per round
        foreach (var model in new[] { first, second })
        {
            var snapshot = await model.GetAsync();
            Assert.Equal(Enumerable.Range(1, Days).ToArray(), snapshot.Submissions.Keys.Order().ToArray());
            Assert.Equal(Days, snapshot.RunIds.Count);
        }

        Assert.Equal(Days, (await rounds.GetAsync(Days))?.Number);
        Assert.Null(await rounds.GetAsync(Days + 1));
    }

    private static async Task<RoundInfo> WaitForRoundAsync(IRoundsGrain rounds, int number)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < stopAt)
        {
            if (await rounds.GetCurrentAsync() is { } round && round.Number == number)
            {
                return round;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"round {number} did not open; the current round is {(await rounds.GetCurrentAsync())?.Number}");
    }

    private static async Task WaitForSubmissionAsync(Models.IModelGrain model, int round)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < stopAt)
        {
            if ((await model.GetAsync()).Submissions.ContainsKey(round))
            {
                return;
            }

            await Task.Delay(200);
        }

        var snapshot = await model.GetAsync();
        throw new TimeoutException($"model {snapshot.ModelId} made no submission for round {round}; it has {string.Join(", ", snapshot.Submissions.Keys)}");
    }
}
