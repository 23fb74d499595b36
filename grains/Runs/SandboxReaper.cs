using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelUploads.Docker;
using ModelUploads.Hosting;

namespace ModelUploads.Runs;

/// <summary>
/// Removes sandbox containers that carry this system's label but belong to no
/// run in progress: left by a crash between a run's end and its clean-up, or by
/// a run whose record is gone. It looks once at start and then periodically.
/// Containers labelled with another Orleans service id belong to another
/// deployment on the same engine (the benchmark's silo, say), so it leaves them alone.
/// </summary>
internal sealed partial class SandboxReaper(
    SandboxEngine engine, IGrainFactory grains, [FromKeyedServices(DomainClock.Key)] TimeProvider time, ILogger<SandboxReaper> logger) : BackgroundService
{
    /// <summary>How often the reaper looks; a leftover container costs no more than an idle process meanwhile.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    /// <summary>Containers younger than this are left alone, since their run may not have recorded them yet.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the silo finish starting so run grains can activate.
        await Task.Delay(TimeSpan.FromSeconds(10), time, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReapOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogReapFailed(logger, exception);
            }

            await Task.Delay(Period, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes every orphaned sandbox container now and returns how many it removed.</summary>
    public async Task<int> ReapOnceAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var container in await engine.ListSandboxContainersAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = container.Names.FirstOrDefault()?.TrimStart('/') ?? container.ID;
            if (time.GetUtcNow() - new DateTimeOffset(container.Created.ToUniversalTime()) < GracePeriod)
            {
                continue;
            }

            // Containers made before the service label existed carry none and count as this service's.
            if (container.Labels.TryGetValue(SandboxLabels.Service, out var service) && service != engine.ServiceId)
            {
                continue;
            }

            if (!container.Labels.TryGetValue(SandboxLabels.RunId, out var runId))
            {
                // A probe container that reads an image's versions; it carries no run id.
                await engine.RemoveAsync(container.ID, cancellationToken).ConfigureAwait(false);
                LogRemoved(logger, name, "none", "it belongs to no run");
                removed++;
                continue;
            }

            var run = await grains.GetGrain<IRunGrain>(runId).GetAsync().ConfigureAwait(false);
            var owned = run is { IsTerminal: false } && run.ContainerName == name;
            if (owned)
            {
                continue;
            }

            await engine.RemoveAsync(container.ID, cancellationToken).ConfigureAwait(false);
            LogRemoved(logger, name, runId, run is null ? "its run does not exist" : $"its run is {run.Status} with container {run.ContainerName ?? "none"}");
            removed++;
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reaper removed container {ContainerName} of run {RunId} because {Cause}")]
    private static partial void LogRemoved(ILogger logger, string containerName, string runId, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reaper pass failed; it tries again in the next period")]
    private static partial void LogReapFailed(ILogger logger, Exception exception);
}
