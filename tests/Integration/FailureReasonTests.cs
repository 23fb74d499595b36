using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Each reason a run can fail, produced by a real pickle on the real engine,
/// with the sentence the user reads.
/// </summary>
public sealed class FailureReasonTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData("not_callable.pkl", FailureReason.InvalidPickle, "not a callable")]
    [InlineData("main_class.pkl", FailureReason.InvalidPickle, "Can't get attribute 'MainModel'")]
    [InlineData("truncated.pkl", FailureReason.InvalidPickle, "could not be loaded")]
    [InlineData("lightgbm_global.pkl", FailureReason.MissingModule, "needs the module 'lightgbm'")]
    [InlineData("imports_lightgbm.pkl", FailureReason.MissingModule, "needs the module 'lightgbm'")]
    [InlineData("raises.pkl", FailureReason.ModelException, "predict raised ValueError: expected 2376 feature columns, got 26")]
    [InlineData("constant.pkl", FailureReason.InvalidSubmission, "All 600 predictions are 0.5")]
    [InlineData("drops_rows.pkl", FailureReason.InvalidSubmission, "7 ids of the round are missing")]
    [InlineData("allocates.pkl", FailureReason.OutOfMemory, "more than the memory limit of 1 GiB")]
    [InlineData("sleeps.pkl", FailureReason.Timeout, "stopped at the limit of 20.0 s")]
    [InlineData("crashes_interpreter.pkl", FailureReason.PythonVersionMismatch, "segmentation fault, exit code 139")]
    public async Task PickleFailsWithReason(string pickle, FailureReason reason, string expectedDescription)
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync(pickle));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.True(run.Status == RunStatus.Failed, $"status {run.Status}: {run.Description}");
        Assert.True(run.Reason == reason, $"reason {run.Reason}: {run.Description}");
        Assert.Contains(expectedDescription, run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingModuleListsRuntimeLibraries()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("imports_lightgbm.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Contains("xgboost 1.7.4", run.Description, StringComparison.Ordinal);
        Assert.Contains("pandas 1.5.3", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfMemoryReportsPeakSeen()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("allocates.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Contains("the peak seen was", run.Description, StringComparison.Ordinal);
        Assert.True(run.PeakMemoryBytes > ClusterFixture.MemoryLimitBytes / 2, $"peak memory {run.PeakMemoryBytes}");
    }

    [Fact]
    public async Task NewerPythonPickleFailsOnOlderRuntime()
    {
        // Given a pickle made by Python 3.13's cloudpickle, uploaded as if it were for 3.11
        var pickle = await TestPickles.PathAsync("rank_mean.pkl", pythonVersion: "3.13");

        // When
        var (_, receipt) = await fixture.UploadAsync(pickle, pythonVersion: "3.11");
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        // Then
        Assert.True(run.Reason == FailureReason.PythonVersionMismatch, $"reason {run.Reason}: {run.Description}");
        Assert.Contains("Python 3.11.2 runtime", run.Description, StringComparison.Ordinal);
        Assert.Contains("available versions: 3.11, 3.13", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewerPythonPickleRunsOnItsRuntime()
    {
        var pickle = await TestPickles.PathAsync("rank_mean.pkl", pythonVersion: "3.13");

        var (_, receipt) = await fixture.UploadAsync(pickle, pythonVersion: "3.13");
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
    }

    [Fact]
    public async Task TwoArgumentPredictGetsBenchmarkFrame()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("two_arguments.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
    }

    [Fact]
    public async Task FailedRunLogEndsWithReproduction()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("raises.pkl"));
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        var log = await fixture.Grains.GetGrain<IRunGrain>(run.RunId).GetLogAsync();

        Assert.NotNull(log);
        var lines = log.TrimEnd().Split('\n');
        Assert.StartsWith("  docker run --rm --network none --cpus 1 --memory 1073741824 --memory-swap 1073741824", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("modeluploads-runtime:py3.11", lines[^1], StringComparison.Ordinal);
        Assert.Contains($"/api/runs/{run.RunId}/inputs.tar", log, StringComparison.Ordinal);
    }
}
