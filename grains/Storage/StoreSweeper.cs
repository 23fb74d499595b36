using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Hosting;

namespace ModelUploads.Storage;

/// <summary>
/// Removes files that a crash left without an owner: uploads that never finished
/// staging, CSV submissions that were never checked, and stored pickles that no
/// model refers to. It touches only files older than <see cref="StorageOptions.SweepMinimumAge"/>,
/// so a request keeps its file unless it is still writing it after that long.
/// </summary>
internal sealed partial class StoreSweeper(
    IGrainFactory grains,
    IOptions<StorageOptions> options,
    [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<StoreSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.SweepPeriod, TimeProvider.System, stoppingToken).ConfigureAwait(false);
            try
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    /// <summary>Removes every orphaned file now and returns how many it removed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var root = options.Value.Root;
        var removed = 0;
        foreach (var file in OldFiles(StoreLayout.UploadTempDirectory(root), "*.partial"))
        {
            removed += Remove(file, "an upload that never finished");
        }

        foreach (var file in OldFiles(Path.Combine(root, "submissions", "incoming"), "*.csv"))
        {
            removed += Remove(file, "a submission that was never checked");
        }

        var pickles = Path.Combine(root, "pickles");
        foreach (var folder in Directory.Exists(pickles) ? Directory.GetDirectories(pickles) : [])
        {
            if (Path.GetFileName(folder).Length != 2)
            {
                continue;
            }

            foreach (var file in OldFiles(folder, "*"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sha256 = Path.GetFileName(file);
                if (!await grains.GetGrain<IPickleIndexGrain>(0).IsReferencedAsync(sha256).ConfigureAwait(false))
                {
                    removed += Remove(file, "no model refers to it");
                }
            }
        }

        return removed;
    }

    private IEnumerable<string> OldFiles(string folder, string pattern)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var cutoff = time.GetUtcNow() - options.Value.SweepMinimumAge;
        return Directory.GetFiles(folder, pattern).Where(file => File.GetLastWriteTimeUtc(file) < cutoff.UtcDateTime);
    }

    private int Remove(string file, string cause)
    {
        File.Delete(file);
        LogRemoved(logger, file, cause);
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store sweep removed {File} because {Cause}")]
    private static partial void LogRemoved(ILogger logger, string file, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Store sweep failed; it tries again in the next period")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
