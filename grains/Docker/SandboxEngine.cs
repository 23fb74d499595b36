using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ModelUploads.Hosting;

namespace ModelUploads.Docker;

/// <summary>
/// The silo's only path to the Docker engine. Every container it creates runs
/// with no network, the configured CPU, memory and pids limits, a read-only root,
/// a size-limited /tmp, no capabilities, no-new-privileges and a non-root user.
/// A container that does not exist is a null result, never an exception.
/// </summary>
internal sealed partial class SandboxEngine : IDisposable
{
    /// <summary>Size of each of the engine's two log files per container; the container is removed after its run.</summary>
    private const long EngineLogFileBytes = 64L * 1024 * 1024;

    private readonly DockerClient _client;
    private readonly SandboxOptions _options;
    private readonly ILogger<SandboxEngine> _logger;

    public SandboxEngine(IOptions<SandboxOptions> options, IOptions<ClusterOptions> cluster, ILogger<SandboxEngine> logger)
    {
        _options = options.Value;
        ServiceId = cluster.Value.ServiceId;
        _logger = logger;
        _client = new DockerClientConfiguration(new Uri(_options.EngineEndpoint)).CreateClient();
    }

    public string Endpoint => _options.EngineEndpoint;

    /// <summary>The Orleans service id this silo labels its containers with.</summary>
    public string ServiceId { get; }

    /// <summary>
    /// Creates and starts the container, or returns the id of the container that
    /// already has this name, so that a retried call after a crash is harmless.
    /// </summary>
    public async Task<string> CreateAndStartAsync(SandboxContainerSpec spec, CancellationToken cancellationToken)
    {
        var existing = await InspectAsync(spec.Name, cancellationToken).ConfigureAwait(false);
        string id;
        if (existing is not null)
        {
            id = existing.Id;
            LogContainerExists(_logger, spec.Name, id);
        }
        else
        {
            var response = await _client.Containers.CreateContainerAsync(BuildParameters(spec), cancellationToken).ConfigureAwait(false);
            id = response.ID;
            LogContainerCreated(_logger, spec.Name, id, spec.Image);
        }

        if (existing is null || (!existing.Running && existing.StartedAt is null))
        {
            await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
            LogContainerStarted(_logger, spec.Name, id);
        }

        return id;
    }

    public async Task<ContainerObservation?> InspectAsync(string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.Containers.InspectContainerAsync(nameOrId, cancellationToken).ConfigureAwait(false);
            var state = response.State;
            return new ContainerObservation(
                response.ID,
                state.Running,
                state.ExitCode,
                state.OOMKilled,
                ParseEngineTime(state.StartedAt),
                ParseEngineTime(state.FinishedAt),
                string.IsNullOrEmpty(state.Error) ? null : state.Error);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the container is not running, through the engine's wait endpoint, and
    /// returns its exit code, or null when the container does not exist. It returns at once
    /// for a container that has already exited. The request has no timeout, so only the
    /// token or a failed connection ends it early.
    /// </summary>
    public async Task<long?> WaitForExitAsync(string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.Containers.WaitContainerAsync(nameOrId, cancellationToken).ConfigureAwait(false);
            return response.StatusCode;
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Kills the container with SIGKILL; a container that is gone or stopped is left as it is.</summary>
    public async Task KillAsync(string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.KillContainerAsync(nameOrId, new ContainerKillParameters { Signal = "KILL" }, cancellationToken).ConfigureAwait(false);
            LogContainerKilled(_logger, nameOrId);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // The engine returns 409 when the container is no longer running.
        }
    }

    public async Task RemoveAsync(string nameOrId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
            LogContainerRemoved(_logger, nameOrId);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    /// <summary>
    /// Reads the container's stdout and stderr interleaved, as the engine stored them. Past
    /// the limit it keeps the first and last halves and counts the bytes it dropped in
    /// between; the engine itself keeps only a capped tail (see the json-file options below),
    /// so for the whole head use <see cref="FollowLogsAsync"/> from the container's start.
    /// </summary>
    public async Task<string> ReadLogsAsync(string nameOrId, long limitBytes, CancellationToken cancellationToken) =>
        (await ReadLogsAsync(nameOrId, limitBytes, follow: false, cancellationToken).ConfigureAwait(false)).ToString();

    /// <summary>Reads what the engine stored of the container's output, capped.</summary>
    public Task<CappedLog> ReadStoredLogAsync(string nameOrId, long limitBytes, CancellationToken cancellationToken) =>
        ReadLogsAsync(nameOrId, limitBytes, follow: false, cancellationToken);

    /// <summary>
    /// Reads the container's output as it comes until the container exits, capped. When
    /// the output outruns the engine's log rotation, the follower misses what was rotated away.
    /// </summary>
    public Task<CappedLog> FollowLogsAsync(string nameOrId, long limitBytes, CancellationToken cancellationToken) =>
        ReadLogsAsync(nameOrId, limitBytes, follow: true, cancellationToken);

    private async Task<CappedLog> ReadLogsAsync(string nameOrId, long limitBytes, bool follow, CancellationToken cancellationToken)
    {
        MultiplexedStream stream;
        try
        {
            stream = await _client.Containers.GetContainerLogsAsync(
                nameOrId,
                tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Timestamps = false, Follow = follow },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return new CappedLog(limitBytes);
        }

        using (stream)
        {
            var log = new CappedLog(limitBytes);
            var buffer = new byte[81920];
            while (true)
            {
                var result = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (result.EOF)
                {
                    break;
                }

                log.Append(buffer.AsSpan(0, result.Count));
            }

            return log;
        }
    }

    /// <summary>Lists every container that carries this system's label, running or not.</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ListSandboxContainersAsync(CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{SandboxLabels.System}={SandboxLabels.SystemValue}"] = true },
        };
        var containers = await _client.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = filters }, cancellationToken).ConfigureAwait(false);
        return containers.ToList();
    }

    /// <summary>Returns the image's id, or null when the engine has no image of that name.</summary>
    public async Task<string?> FindImageIdAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return response.ID;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs a short command in a sandbox container with the usual limits and
    /// returns its output. Used to read versions from a runtime image.
    /// </summary>
    public async Task<string> RunToCompletionAsync(string image, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var name = $"modeluploads-probe-{Guid.NewGuid():N}";
        var spec = new SandboxContainerSpec(name, image, new Dictionary<string, string>(), []);
        var parameters = BuildParameters(spec);
        parameters.Cmd = command.ToList();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var response = await _client.Containers.CreateContainerAsync(parameters, timeoutSource.Token).ConfigureAwait(false);
        try
        {
            await _client.Containers.StartContainerAsync(response.ID, new ContainerStartParameters(), timeoutSource.Token).ConfigureAwait(false);
            var wait = await _client.Containers.WaitContainerAsync(response.ID, timeoutSource.Token).ConfigureAwait(false);
            var output = await ReadLogsAsync(response.ID, _options.LogLimitBytes, timeoutSource.Token).ConfigureAwait(false);
            if (wait.StatusCode != 0)
            {
                throw new InvalidOperationException($"'{string.Join(' ', command)}' in {image} exited with code {wait.StatusCode}: {output}");
            }

            return output;
        }
        finally
        {
            await RemoveAsync(response.ID, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the image as a `docker save` archive to the path, through a temporary file.</summary>
    public async Task SaveImageAsync(string image, string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".partial";
        await using (var archive = await _client.Images.SaveImageAsync(image, cancellationToken).ConfigureAwait(false))
        await using (var file = File.Create(temporary))
        {
            await archive.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
        LogImageSaved(_logger, image, path);
    }

    public async Task PingAsync(CancellationToken cancellationToken) =>
        await _client.System.PingAsync(cancellationToken).ConfigureAwait(false);

    public void Dispose() => _client.Dispose();

    private CreateContainerParameters BuildParameters(SandboxContainerSpec spec)
    {
        var labels = new Dictionary<string, string>(spec.Labels)
        {
            [SandboxLabels.System] = SandboxLabels.SystemValue,
            [SandboxLabels.Service] = ServiceId,
        };

        return new CreateContainerParameters
        {
            Name = spec.Name,
            Image = spec.Image,
            User = $"{_options.SandboxUid}:{_options.SandboxUid}",
            Labels = labels,
            NetworkDisabled = true,
            WorkingDir = "/tmp",
            Env =
            [
                "HOME=/tmp",
                "OMP_NUM_THREADS=1",
                "OPENBLAS_NUM_THREADS=1",
                "MKL_NUM_THREADS=1",
                "PYTHONDONTWRITEBYTECODE=1",
                "PYTHONUNBUFFERED=1",
            ],
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                NanoCPUs = (long)(_options.Cpus * 1_000_000_000),
                Memory = _options.MemoryBytes,
                MemorySwap = _options.MemoryBytes,
                PidsLimit = _options.PidsLimit,
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string>
                {
                    ["/tmp"] = $"rw,nosuid,nodev,noexec,size={_options.TmpSizeBytes}",
                },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                IpcMode = "private",
                ShmSize = 64L * 1024 * 1024,
                Mounts = spec.Mounts.Select(m => new Mount
                {
                    Type = "bind",
                    Source = m.Source,
                    Target = m.Target,
                    ReadOnly = m.ReadOnly,
                }).ToList(),
                LogConfig = new LogConfig
                {
                    Type = "json-file",
                    Config = new Dictionary<string, string>
                    {
                        // Larger than the stored log, so the silo's follower (which keeps head and tail)
                        // reads the output before the engine rotates it away.
                        ["max-size"] = Math.Max(_options.LogLimitBytes, EngineLogFileBytes).ToString(CultureInfo.InvariantCulture),
                        ["max-file"] = "2",
                    },
                },
                AutoRemove = false,
            },
        };
    }

    private static DateTimeOffset? ParseEngineTime(string? value)
    {
        // The engine reports 0001-01-01T00:00:00Z for a container that never started or finished.
        if (string.IsNullOrEmpty(value) || value.StartsWith("0001-", StringComparison.Ordinal))
        {
            return null;
        }

        return DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created container {ContainerName} ({ContainerId}) from {Image}")]
    private static partial void LogContainerCreated(ILogger logger, string containerName, string containerId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started container {ContainerName} ({ContainerId})")]
    private static partial void LogContainerStarted(ILogger logger, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {ContainerName} already exists as {ContainerId}; adopting it")]
    private static partial void LogContainerExists(ILogger logger, string containerName, string containerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Killed container {ContainerName}")]
    private static partial void LogContainerKilled(ILogger logger, string containerName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved image {Image} to {Path}")]
    private static partial void LogImageSaved(ILogger logger, string image, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed container {ContainerName}")]
    private static partial void LogContainerRemoved(ILogger logger, string containerName);
}
