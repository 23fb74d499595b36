using Microsoft.Extensions.DependencyInjection;
using ModelUploads.Storage;
using ModelUploads.Tests.Infrastructure;
using Orleans.TestingHost;

namespace ModelUploads.Tests.Integration;

/// <summary>The sweep removes old files that nothing refers to and keeps every pickle a model uses.</summary>
public sealed class StoreSweeperTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task SweepRemovesOnlyOrphanedOldFiles()
    {
        // Given an uploaded pickle, an orphaned pickle, an abandoned upload and a fresh one, all but the last two hours old
        var (model, _) = await fixture.UploadAsync(await TestPickles.PathAsync("rank_mean.pkl"));
        var kept = StoreLayout.PicklePath(fixture.StorageRoot, (await model.GetAsync()).Upload!.Sha256);
        var orphan = StoreLayout.PicklePath(fixture.StorageRoot, new string('a', 64));
        var abandoned = Path.Combine(StoreLayout.UploadTempDirectory(fixture.StorageRoot), "abandoned.partial");
        var inFlight = Path.Combine(StoreLayout.UploadTempDirectory(fixture.StorageRoot), "in-flight.partial");
        foreach (var file in new[] { orphan, abandoned, inFlight })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, "x");
        }

        foreach (var file in new[] { kept, orphan, abandoned })
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        }

        // When the sweep runs
        var sweeper = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<StoreSweeper>();
        var removed = await sweeper.SweepOnceAsync(CancellationToken.None);

        // Then only the orphan and the abandoned upload are gone
        Assert.Equal(2, removed);
        Assert.True(File.Exists(kept), $"{kept} was removed though a model uses it");
        Assert.False(File.Exists(orphan), $"{orphan} was kept though no model uses it");
        Assert.False(File.Exists(abandoned), $"{abandoned} was kept though it is two hours old");
        Assert.True(File.Exists(inFlight), $"{inFlight} was removed though it is new");
    }
}
