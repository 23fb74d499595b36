using ModelUploads.Errors;
using ModelUploads.Models;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The rules that keep an upload from racing the user's other ways of
/// submitting: compute enabled blocks an upload, an upload blocks compute and
/// API submissions, and removing the upload restores both.
/// </summary>
public sealed class ComputeRulesTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task UploadRejectedWhileComputeEnabled()
    {
        var model = await NewModelAsync();
        await model.SetComputeEnabledAsync(true);

        var rejected = await Assert.ThrowsAsync<ModelUploadsException>(() => fixture.UploadToAsync(model, "rank_mean.pkl"));

        Assert.Equal(ProblemKind.Conflict, rejected.Kind);
        Assert.Contains("compute configuration enabled", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("Disable it first", rejected.Message, StringComparison.Ordinal);
        Assert.Null((await model.GetAsync()).Upload);
    }

    [Fact]
    public async Task UploadBlocksComputeAndApiSubmissions()
    {
        // Given a model with an upload
        var model = await NewModelAsync();
        await fixture.UploadToAsync(model, "rank_mean.pkl");

        // When compute is enabled or predictions are submitted through the API
        var compute = await Assert.ThrowsAsync<ModelUploadsException>(() => model.SetComputeEnabledAsync(true));
        var submission = await Assert.ThrowsAsync<ModelUploadsException>(async () => await model.SubmitPredictionsAsync(await ValidCsvAsync()));

        // Then both are rejected with the way out
        Assert.Equal(ProblemKind.Conflict, compute.Kind);
        Assert.Contains("DELETE /api/models/", compute.Message, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.Conflict, submission.Kind);
        Assert.Contains("takes no API submissions", submission.Message, StringComparison.Ordinal);
        Assert.False((await model.GetAsync()).ComputeEnabled);
    }

    [Fact]
    public async Task RemovingUploadRestoresComputeAndSubmissions()
    {
        // Given a model whose upload was removed
        var model = await NewModelAsync();
        var receipt = await fixture.UploadToAsync(model, "rank_mean.pkl");
        await fixture.WaitForEndAsync(receipt.LiveRunId!);
        await model.RemoveUploadAsync();

        // When predictions are submitted through the API, then compute is enabled
        var submission = await model.SubmitPredictionsAsync(await ValidCsvAsync());
        var enabled = await model.SetComputeEnabledAsync(true);

        // Then both are accepted and the API submission replaces the run's for the round
        Assert.StartsWith("api-", submission.RunId, StringComparison.Ordinal);
        Assert.Equal(fixture.Round.Rows, submission.Rows);
        Assert.True(enabled.ComputeEnabled);
        Assert.Null(enabled.Upload);
        Assert.Equal(submission, enabled.Submissions[fixture.Round.Number]);
    }

    [Fact]
    public async Task InvalidApiSubmissionIsRejected()
    {
        var model = await NewModelAsync();
        var ids = Data.StagedFeatures.ReadMetadata(fixture.Round.StagedDirectory).Ids;
        var csv = Path.Combine(TestEnvironment.NewWorkDirectory("csv"), "constant.csv");
        await File.WriteAllLinesAsync(csv, ["id,prediction", .. ids.Select(id => $"{id},0.5")]);

        var rejected = await Assert.ThrowsAsync<ModelUploadsException>(() => model.SubmitPredictionsAsync(csv));

        Assert.Equal(ProblemKind.Invalid, rejected.Kind);
        Assert.Contains("are 0.5", rejected.Message, StringComparison.Ordinal);
        Assert.Empty((await model.GetAsync()).Submissions);
    }

    [Fact]
    public async Task ConcurrentTriggersMakeOneRun()
    {
        // Given a model whose first run has finished
        var model = await NewModelAsync();
        var receipt = await fixture.UploadToAsync(model, "rank_mean.pkl");
        await fixture.WaitForEndAsync(receipt.LiveRunId!);

        // When ten triggers arrive at once
        var triggers = Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                return (RunId: await model.TriggerAsync(), Error: (ModelUploadsException?)null);
            }
            catch (ModelUploadsException exception)
            {
                return (RunId: (string?)null, Error: exception);
            }
        }).ToArray();
        var results = await Task.WhenAll(triggers);

        // Then one started a run and the others name it
        var started = results.Where(r => r.RunId is not null).Select(r => r.RunId!).ToArray();
        Assert.Single(started);
        foreach (var (_, error) in results.Where(r => r.RunId is null))
        {
            Assert.Equal(ProblemKind.Conflict, error!.Kind);
            Assert.Contains(started[0], error.Message, StringComparison.Ordinal);
        }

        var run = await fixture.WaitForEndAsync(started[0]);
        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(2, (await model.GetAsync()).RunIds.Count);
    }

    private async Task<IModelGrain> NewModelAsync()
    {
        var model = fixture.Grains.GetGrain<IModelGrain>($"model-{Guid.NewGuid():N}");
        await model.CreateAsync("rules", "tests");
        return model;
    }

    private async Task<string> ValidCsvAsync()
    {
        var ids = Data.StagedFeatures.ReadMetadata(fixture.Round.StagedDirectory).Ids;
        var csv = Path.Combine(TestEnvironment.NewWorkDirectory("csv"), "valid.csv");
        await File.WriteAllLinesAsync(csv, ["id,prediction", .. ids.Select((id, i) => $"{id},{(i + 1.0) / (ids.Count + 1):R}")]);
        return csv;
    }
}
