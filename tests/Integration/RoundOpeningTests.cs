using ModelUploads.Accounts;
using ModelUploads.Models;
using ModelUploads.Rounds;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Opening a round starts each uploaded model's live run at once, through the
/// rounds grain's notification, while the models' reminders are an hour away.
/// </summary>
public sealed class RoundOpeningTests(RoundOpeningClusterFixture fixture) : IClassFixture<RoundOpeningClusterFixture>
{
    private static readonly TimeSpan SubmissionTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task OpeningStartsEachUploadedModel()
    {
        // Given two uploaded models, a disabled uploaded model and a model with no upload
        var user = fixture.Grains.GetGrain<IUserGrain>($"user-{Guid.NewGuid():N}");
        await user.CreateAsync("round-opening", isAdministrator: false);
        var first = await CreateModelAsync(user, "first");
        var second = await CreateModelAsync(user, "second");
        var disabled = await CreateModelAsync(user, "disabled");
        var withoutUpload = await CreateModelAsync(user, "without-upload");
        await fixture.UploadToAsync(first, "rank_mean.pkl");
        await fixture.UploadToAsync(second, "rank_mean_series.pkl");
        await fixture.UploadToAsync(disabled, "rank_mean.pkl");
        await disabled.DisableAsync("copies another model");

        // When the operator opens a round
        var round = await OpenRoundAsync();

        // Then each uploaded model made one live run and a submission for it, and the others started none
        foreach (var model in new[] { first, second })
        {
            var snapshot = await WaitForSubmissionAsync(model, round.Number);
            var runs = await LiveRunsAsync(snapshot, round.Number);
            Assert.True(runs.Length == 1, $"model {snapshot.ModelId} has {runs.Length} live runs for round {round.Number}: {string.Join(", ", runs.Select(r => r.RunId))}");
            Assert.Equal(RunStatus.Success, runs[0].Status);
        }

        var disabledRuns = await LiveRunsAsync(await disabled.GetAsync(), round.Number);
        Assert.Empty(disabledRuns);
        Assert.False((await disabled.GetAsync()).Submissions.ContainsKey(round.Number), $"the disabled model has a submission for round {round.Number}");
        Assert.Empty((await withoutUpload.GetAsync()).RunIds);
    }

    [Fact]
    public async Task NotificationAndReminderMakeOneRun()
    {
        // Given an uploaded model whose runs so far have ended
        var user = fixture.Grains.GetGrain<IUserGrain>($"user-{Guid.NewGuid():N}");
        await user.CreateAsync("round-opening-twice", isAdministrator: false);
        var model = await CreateModelAsync(user, "twice");
        var receipt = await fixture.UploadToAsync(model, "rank_mean.pkl");
        if (receipt.LiveRunId is not null)
        {
            await fixture.WaitForEndAsync(receipt.LiveRunId);
        }

        // When a round opens while ten reminder ticks arrive, and one more tick arrives after it opened
        var reminder = fixture.Grains.GetGrain<IRemindable>(model.GetGrainId());
        var ticks = Enumerable.Range(0, 10).Select(_ => reminder.ReceiveReminder("round-check", Tick())).ToArray();
        var round = await OpenRoundAsync();
        await Task.WhenAll(ticks);
        await reminder.ReceiveReminder("round-check", Tick());

        // Then the model made one live run for the round
        var snapshot = await WaitForSubmissionAsync(model, round.Number);
        var runs = await LiveRunsAsync(snapshot, round.Number);
        Assert.True(runs.Length == 1, $"model {snapshot.ModelId} has {runs.Length} live runs for round {round.Number}: {string.Join(", ", runs.Select(r => r.RunId))}");
        Assert.Equal(RunStatus.Success, (await fixture.WaitForEndAsync(runs[0].RunId)).Status);
    }

    [Fact]
    public async Task PickleIndexListsEachModelOnce()
    {
        // Given a model that is replacing its pickle, so it refers to two, and a model whose upload was removed
        var index = fixture.Grains.GetGrain<Storage.IPickleIndexGrain>(0);
        var replacing = $"model-{Guid.NewGuid():N}";
        var removed = $"model-{Guid.NewGuid():N}";
        var oldPickle = new string('a', 64);
        var newPickle = new string('b', 64);
        await index.AddAsync(oldPickle, replacing);
        await index.AddAsync(newPickle, replacing);
        await index.AddAsync(oldPickle, removed);
        await index.RemoveAsync(oldPickle, removed);

        // When the index lists the models with an upload
        var modelIds = await index.ListModelIdsAsync();

        // Then the replacing model is listed once and the other is not listed
        Assert.Equal(1, modelIds.Count(id => id == replacing));
        Assert.DoesNotContain(removed, modelIds);
        Assert.Equal(modelIds.Order(StringComparer.Ordinal).ToArray(), modelIds.ToArray());
    }

    private async Task<IModelGrain> CreateModelAsync(IUserGrain user, string name) =>
        fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync(name)).ModelId);

    private async Task<RoundInfo> OpenRoundAsync() =>
        await fixture.Grains.GetGrain<IRoundsGrain>(0).OpenAsync(Path.Combine(fixture.DatasetDirectory, "live.parquet"));

    private static TickStatus Tick() => new(DateTime.UtcNow, TimeSpan.FromHours(1), DateTime.UtcNow);

    /// <summary>The model's live runs for the round, read from each run grain.</summary>
    private async Task<RunSnapshot[]> LiveRunsAsync(ModelSnapshot model, int round)
    {
        var runs = new List<RunSnapshot>();
        foreach (var runId in model.RunIds)
        {
            var run = await fixture.Grains.GetGrain<IRunGrain>(runId).GetAsync();
            if (run is { Kind: RunKind.Live } && run.Round == round)
            {
                runs.Add(run);
            }
        }

        return runs.ToArray();
    }

    /// <summary>Polls the model until it has a submission for the round; fails with the rounds it has after the timeout.</summary>
    private static async Task<ModelSnapshot> WaitForSubmissionAsync(IModelGrain model, int round)
    {
        var stopAt = DateTime.UtcNow + SubmissionTimeout;
        while (DateTime.UtcNow < stopAt)
        {
            var snapshot = await model.GetAsync();
            if (snapshot.Submissions.ContainsKey(round))
            {
                return snapshot;
            }

            await Task.Delay(200);
        }

        var last = await model.GetAsync();
        throw new TimeoutException(
            $"model {last.ModelId} made no submission for round {round} within {SubmissionTimeout.TotalSeconds} s; "
            + $"it has submissions for rounds [{string.Join(", ", last.Submissions.Keys)}] and runs [{string.Join(", ", last.RunIds)}]");
    }
}
