using ModelUploads.Rounds;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// An upload also runs on the validation data, fed to the container in chunks
/// of whole eras, and the silo computes the diagnostics from its predictions.
/// </summary>
public sealed class DiagnosticsRunTests(ValidationClusterFixture fixture) : IClassFixture<ValidationClusterFixture>
{
    [Fact]
    public async Task UploadGetsValidationDiagnostics()
    {
        // Given validation data of four eras of 200 rows, the newest without targets, in chunks of at most 300 rows
        var validation = await fixture.Grains.GetGrain<IValidationDataGrain>(0).GetAsync();
        Assert.NotNull(validation);
        Assert.Equal(4, validation.Chunks);

        // When a model is uploaded
        var (model, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        Assert.NotNull(receipt.ValidationRunId);
        var run = await fixture.WaitForEndAsync(receipt.ValidationRunId);
        var live = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        // Then both runs succeed and the validation run has diagnostics for the three eras with targets
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        Assert.True(live.Status == RunStatus.Success, $"status {live.Status}: {live.Description}");
        Assert.Equal(RunKind.Validation, run.Kind);
        Assert.Null(run.Submission);
        var diagnostics = run.Diagnostics;
        Assert.NotNull(diagnostics);
        Assert.Equal(["0003", "0004", "0005"], diagnostics.Eras.Select(e => e.Era).ToArray());
        Assert.Equal(600, diagnostics.Rows);
        Assert.Equal(diagnostics.Eras.Average(e => e.Correlation), diagnostics.Mean, 12);
        Assert.InRange(diagnostics.MaxFeatureExposure, 0.0, 1.0);
        Assert.NotNull(diagnostics.MaxExposureFeature);

        var snapshot = await model.GetAsync();
        Assert.Equal(receipt.ValidationRunId, snapshot.ValidationRunId);
        Assert.Equal(2, snapshot.RunIds.Count);
        Assert.DoesNotContain(receipt.ValidationRunId, snapshot.Submissions.Values.Select(s => s.RunId));
    }

    [Fact]
    public async Task ValidationRunCallsPredictPerChunk()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        await fixture.WaitForEndAsync(receipt.ValidationRunId!);

        var log = await fixture.Grains.GetGrain<IRunGrain>(receipt.ValidationRunId!).GetLogAsync();

        Assert.NotNull(log);
        foreach (var chunk in new[] { "000", "001", "002", "003" })
        {
            Assert.Contains($"loaded 200 rows x 24 features from {chunk}; calling predict", log, StringComparison.Ordinal);
        }

        Assert.Contains("wrote 800 predictions", log, StringComparison.Ordinal);
    }
}
