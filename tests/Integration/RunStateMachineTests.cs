using ModelUploads.Data;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Every transition of the run state machine, on a TestCluster with the real
/// engine, real PostgreSQL and pickles made by real cloudpickle:
/// Pending to Running, Running to Validating, Validating to Success and to
/// Failed, Running to Failed, Pending to Error and back to Pending for a retry,
/// and Error as the last status once the attempts are used up.
/// </summary>
public sealed class RunStateMachineTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task RunReachesSuccessThroughEveryStage()
    {
        // Given
        var (model, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        Assert.NotNull(receipt.LiveRunId);

        // When
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId);

        // Then
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        Assert.Equal(
            [RunStatus.Pending, RunStatus.Running, RunStatus.Validating, RunStatus.Success],
            run.History.Select(h => h.Status).ToArray());
        Assert.Equal(fixture.Round.Number, run.Round);
        Assert.NotNull(run.Submission);
        Assert.Equal(fixture.Round.Rows, run.Submission.Rows);
        Assert.True(run.PeakMemoryBytes > 0, $"peak memory {run.PeakMemoryBytes}");

        var stored = await ClusterFixture.WaitForSubmissionAsync(model, fixture.Round.Number);
        Assert.True(stored.Submissions.ContainsKey(fixture.Round.Number), $"submissions for rounds {string.Join(", ", stored.Submissions.Keys)}");
        var lines = await File.ReadAllLinesAsync(run.Submission.FilePath);
        Assert.Equal("id,prediction", lines[0]);
        Assert.Equal(fixture.Round.Rows + 1, lines.Length);
        var ids = StagedFeatures.ReadMetadata(fixture.Round.StagedDirectory).Ids;
        Assert.Equal(ids, lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
    }

    [Fact]
    public async Task SeriesResultIsAcceptedAsPrediction()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean_series.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
    }

    [Fact]
    public async Task RaisingPredictFailsWithModelException()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("raises.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);
        var log = await fixture.Grains.GetGrain<IRunGrain>(run.RunId).GetLogAsync();

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(FailureReason.ModelException, run.Reason);
        Assert.Equal([RunStatus.Pending, RunStatus.Running, RunStatus.Failed], run.History.Select(h => h.Status).ToArray());
        Assert.Contains("ValueError: expected 2376 feature columns, got 26", run.Description, StringComparison.Ordinal);
        Assert.NotNull(log);
        Assert.Contains("Traceback (most recent call last)", log, StringComparison.Ordinal);
        Assert.Contains("in raises", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConstantOutputFailsValidation()
    {
        var (model, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("constant.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(FailureReason.InvalidSubmission, run.Reason);
        Assert.Equal(
            [RunStatus.Pending, RunStatus.Running, RunStatus.Validating, RunStatus.Failed],
            run.History.Select(h => h.Status).ToArray());
        Assert.Contains("are 0.5", run.Description, StringComparison.Ordinal);
        Assert.Empty((await model.GetAsync()).Submissions);
    }

    [Fact]
    public async Task MissingRowsFailValidationWithCount()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("drops_rows.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Equal(FailureReason.InvalidSubmission, run.Reason);
        Assert.Contains("7 ids of the round are missing", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonCallablePickleFailsAsInvalidPickle()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("not_callable.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(FailureReason.InvalidPickle, run.Reason);
        Assert.Contains("not a callable", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformErrorIsRetriedThenReported()
    {
        // Given an upload recorded for a file that is not in the store (a copy with its own digest)
        var path = await TestPickles.PathAsync("rank_mean.pkl");
        var copy = Path.Combine(TestEnvironment.NewWorkDirectory("unstored"), "unstored.pkl");
        await File.WriteAllBytesAsync(copy, [.. await File.ReadAllBytesAsync(path), .. "\n"u8.ToArray()]);

        // When
        var (_, receipt) = await fixture.UploadAsync(copy, store: false);
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        // Then
        Assert.Equal(RunStatus.Error, run.Status);
        Assert.Equal(2, run.Attempt);
        Assert.Equal(
            [RunStatus.Pending, RunStatus.Error, RunStatus.Pending, RunStatus.Error],
            run.History.Select(h => h.Status).ToArray());
        Assert.Contains("missing from the store", run.Description, StringComparison.Ordinal);
        Assert.Contains("Gave up after 2 attempts", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowModelFailsWithTimeout()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("sleeps.pkl"));

        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(FailureReason.Timeout, run.Reason);
        Assert.Contains("stopped at the limit of 20.0 s", run.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartingTheSameRunTwiceChangesNothing()
    {
        var (_, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        var grain = fixture.Grains.GetGrain<IRunGrain>(receipt.LiveRunId!);
        var first = await grain.GetAsync();

        var again = await grain.StartAsync(new RunRequest(
            receipt.LiveRunId!, "another-model", 99, RunKind.Live, receipt.Model.Upload!, DateTimeOffset.UtcNow, "tests"));

        Assert.NotNull(first);
        Assert.Equal(first.ModelId, again.ModelId);
        Assert.Equal(first.Round, again.Round);
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);
        Assert.Equal(RunStatus.Success, run.Status);
    }
}
