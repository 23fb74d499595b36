using ModelUploads.Models;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>Models and run records live in PostgreSQL, so a new silo after a killed one finds them all.</summary>
public sealed class SiloRestartTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task NewSiloKeepsModelsAndRuns()
    {
        // Given a model whose run succeeded on the fixture's silo
        var (model, receipt) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        var before = await fixture.WaitForEndAsync(receipt.LiveRunId!);
        var modelBefore = await ClusterFixture.WaitForSubmissionAsync(model, before.Round);
        Assert.True(modelBefore.Submissions.ContainsKey(before.Round), $"run {before.RunId} ended in {before.Status} but its model has no submission");

        // When the silo is killed and a new one starts with the same service id on the same database
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.Primary!);
        await using var second = await ClusterFixture.StartClusterAsync(
            fixture.Database.ConnectionString, fixture.StorageRoot, fixture.Cluster.Options.ServiceId);
        var modelAfter = await second.GrainFactory.GetGrain<IModelGrain>(modelBefore.ModelId).GetAsync();
        var runAfter = await second.GrainFactory.GetGrain<IRunGrain>(before.RunId).GetAsync();

        // Then it reads the same records
        Assert.Equal(modelBefore.Name, modelAfter.Name);
        Assert.Equal(modelBefore.Upload!.Sha256, modelAfter.Upload!.Sha256);
        Assert.Equal(modelBefore.Upload.UploadedAt, modelAfter.Upload.UploadedAt);
        Assert.Equal(modelBefore.RunIds, modelAfter.RunIds);
        Assert.Equal(modelBefore.Submissions.Keys, modelAfter.Submissions.Keys);
        Assert.NotNull(runAfter);
        Assert.Equal(before.Status, runAfter.Status);
        Assert.Equal(before.History, runAfter.History);
        Assert.Equal(before.Submission, runAfter.Submission);
    }
}
