using ModelUploads.Accounts;
using ModelUploads.Models;
using ModelUploads.Rounds;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>A disabled model's reminder starts no run when a round opens, with days driven by a fake clock.</summary>
public sealed class DisabledModelScheduleTests(ScheduledClusterFixture fixture) : IClassFixture<ScheduledClusterFixture>
{
    [Fact]
    public async Task DisabledModelsReminderStartsNoRun()
    {
        // Given two uploaded models before the first round, one of them disabled
        var rounds = fixture.Grains.GetGrain<IRoundsGrain>(0);
        Assert.Null(await rounds.GetCurrentAsync());
        var user = fixture.Grains.GetGrain<IUserGrain>($"user-{Guid.NewGuid():N}");
        await user.CreateAsync("scheduled", isAdministrator: false);
        var enabled = fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync("enabled")).ModelId);
        var disabled = fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync("disabled")).ModelId);
        await fixture.UploadToAsync(enabled, "rank_mean.pkl");
        await fixture.UploadToAsync(disabled, "rank_mean.pkl");
        await disabled.DisableAsync("copies another model");

        // When the round opens and the enabled model's reminder has run it to a submission
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!(await enabled.GetAsync()).Submissions.ContainsKey(1) && DateTime.UtcNow < stopAt)
        {
            await Task.Delay(200);
        }

        // Then the disabled model, whose reminder ticks every second as well, started no run
        var enabledModel = await enabled.GetAsync();
        Assert.True(enabledModel.Submissions.ContainsKey(1), $"the enabled model made no submission for round 1; runs: {string.Join(", ", enabledModel.RunIds)}");
        var disabledModel = await disabled.GetAsync();
        Assert.Empty(disabledModel.RunIds);
        Assert.Empty(disabledModel.Submissions);
    }
}
