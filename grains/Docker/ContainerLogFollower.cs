using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Hosting;

namespace ModelUploads.Docker;

/// <summary>
/// Follows each sandbox container's output from its start into a <see cref="CappedLog"/>
/// for the head, and takes the tail from what the engine stored, so the run's log keeps
/// both however much a model prints. For a container this silo did not follow from its
/// start, such as one adopted after a restart, only the engine's stored tail is left.
/// </summary>
internal sealed partial class ContainerLogFollower(
    SandboxEngine engine, IOptions<SandboxOptions> options, ILogger<ContainerLogFollower> logger)
{
    private readonly ConcurrentDictionary<string, Task<CappedLog?>> _followers = new(StringComparer.Ordinal);

    /// <summary>Starts following the container's output, once per container.</summary>
    public void Follow(string containerName) =>
        _followers.GetOrAdd(containerName, name => Task.Run(() => FollowAsync(name)));

    /// <summary>
    /// Returns the container's capped output once it has exited: what this silo followed,
    /// or the engine's stored tail when it followed nothing.
    /// </summary>
    public async Task<string> CollectAsync(string containerName, CancellationToken cancellationToken)
    {
        var limit = options.Value.LogLimitBytes;
        CappedLog? followed = null;
        if (_followers.TryRemove(containerName, out var follower))
        {
            try
            {
                followed = await follower.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogFollowTimedOut(logger, containerName);
            }
        }

        var stored = await engine.ReadStoredLogAsync(containerName, limit, cancellationToken).ConfigureAwait(false);
        if (followed is null || (followed.TotalBytes <= limit && stored.TotalBytes <= followed.TotalBytes))
        {
            // Nothing was followed, or the follower saw all of it.
            return (followed ?? stored).ToString();
        }

        // The follower has the head; the engine kept the tail. What lies between is at least the
        // larger of the two views minus what is kept, and more when the engine rotated output away.
        var head = followed.Head;
        var tail = stored.Tail.Length > 0 ? stored.Tail : stored.Head;
        var seen = Math.Max(followed.TotalBytes, stored.TotalBytes);
        return CappedLog.Compose(head, tail, Math.Max(0, seen - head.Length - tail.Length), exact: false);
    }

    private async Task<CappedLog?> FollowAsync(string containerName)
    {
        try
        {
            return await engine.FollowLogsAsync(containerName, options.Value.LogLimitBytes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogFollowFailed(logger, exception, containerName);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the output of container {ContainerName} failed; the engine's stored tail is used")]
    private static partial void LogFollowFailed(ILogger logger, Exception exception, string containerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The output of container {ContainerName} did not end within 30 s of its exit; the engine's stored tail is used")]
    private static partial void LogFollowTimedOut(ILogger logger, string containerName);
}
