using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using ModelUploads.Hosting;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>One run of the sandbox runner outside the platform.</summary>
/// <param name="Seconds">Wall time from the command's start to its exit.</param>
/// <param name="RunnerSeconds">The runner's own time to load the pickle, predict and write the predictions.</param>
/// <param name="PeakMemoryBytes">The container cgroup's peak, or the plain process's maximum resident size.</param>
public sealed record BareRun(double Seconds, double RunnerSeconds, long? PeakMemoryBytes);

/// <summary>
/// The baselines the platform is measured against, on the same staged inputs. The bare runs
/// start the runtime image with the sandbox's limits, once through the engine's API with the
/// silo's container settings (create, start, wait, remove) and once with the `docker run` command. The plain process
/// is the runner chrooted into a copy of the image's files, so that it has the same Python and
/// libraries with no container around it.
/// </summary>
public sealed class BareSandbox(SandboxOptions limits, string workDirectory, string cacheDirectory, string repositoryRoot) : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);
    private readonly SandboxOptions _limits = limits;
    private readonly DockerClient _engine = new DockerClientConfiguration(new Uri(limits.EngineEndpoint)).CreateClient();

    /// <summary>Runs the image's runner through the engine's API with the sandbox's limits, timed from create to remove.</summary>
    public async Task<BareRun> RunContainerAsync(string inputDirectory, string image)
    {
        var output = NewOutputDirectory();
        var name = $"modeluploads-bench-{Guid.NewGuid():N}";
        using var deadline = new CancellationTokenSource(RunTimeout);
        var clock = Stopwatch.StartNew();
        var created = await _engine.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            User = $"{_limits.SandboxUid}:{_limits.SandboxUid}",

            // As the silo's containers have: no network namespace set up at all, which saves tens of milliseconds.
            NetworkDisabled = true,
            WorkingDir = "/tmp",
            Env = ["HOME=/tmp", "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "MKL_NUM_THREADS=1", "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1"],
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                IpcMode = "private",
                ShmSize = 64L * 1024 * 1024,
                NanoCPUs = (long)(_limits.Cpus * 1e9),
                Memory = _limits.MemoryBytes,
                MemorySwap = _limits.MemoryBytes,
                PidsLimit = _limits.PidsLimit,
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = $"rw,nosuid,nodev,noexec,size={_limits.TmpSizeBytes}" },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                Binds = [$"{inputDirectory}:/input:ro", $"{output}:/output"],
            },
        }, deadline.Token);
        try
        {
            await _engine.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), deadline.Token);
            await _engine.Containers.WaitContainerAsync(created.ID, deadline.Token);
        }
        finally
        {
            await _engine.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var report = ReadSuccessfulResult(output, $"container {name}");
        return new BareRun(seconds, report.Seconds, report.PeakMemoryBytes);
    }

    /// <summary>Runs the image's runner with the `docker run` command and the sandbox's flags, as the reproduction command in a run's log does.</summary>
    public async Task<BareRun> RunDockerCommandAsync(string inputDirectory, string image)
    {
        var output = NewOutputDirectory();
        var name = $"modeluploads-bench-{Guid.NewGuid():N}";
        var memory = _limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        try
        {
            var result = await CommandRunner.RunCheckedAsync("docker", [
                "run", "--rm", "--name", name, "--network", "none",
                "--cpus", _limits.Cpus.ToString(CultureInfo.InvariantCulture),
                "--memory", memory, "--memory-swap", memory,
                "--pids-limit", _limits.PidsLimit.ToString(CultureInfo.InvariantCulture),
                "--read-only", "--tmpfs", $"/tmp:rw,nosuid,nodev,noexec,size={_limits.TmpSizeBytes}",
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--user", $"{_limits.SandboxUid}:{_limits.SandboxUid}",
                "-v", $"{inputDirectory}:/input:ro", "-v", $"{output}:/output",
                image,
            ], RunTimeout);
            var report = ReadSuccessfulResult(output, result.StandardError);
            return new BareRun(result.Elapsed.TotalSeconds, report.Seconds, report.PeakMemoryBytes);
        }
        catch (TimeoutException)
        {
            // Killing the command leaves its container running.
            await CommandRunner.RunAsync("docker", ["rm", "--force", name], TimeSpan.FromMinutes(1));
            throw;
        }
    }

    /// <summary>Runs the runner in a chroot of the image's files, with no container, cgroup or namespace.</summary>
    public async Task<BareRun> RunPlainAsync(string inputDirectory, string image)
    {
        var root = await RootFilesystemAsync(image);
        var name = $"plain-{Guid.NewGuid():N}";
        var inside = Path.Combine(root, "bench", name);
        var input = Path.Combine(inside, "input");
        var output = Path.Combine(inside, "output");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(output);
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        try
        {
            CopyDirectory(inputDirectory, input);
            File.Copy(Path.Combine(repositoryRoot, "bench", "models", "plain_run.py"), Path.Combine(root, "bench", "plain_run.py"), overwrite: true);

            // env -i gives the process the image's environment and nothing of the benchmark's.
            var result = await CommandRunner.RunCheckedAsync("env", [
                "-i", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1",
                "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1",
                "/usr/sbin/chroot", $"--userspec={_limits.SandboxUid}:{_limits.SandboxUid}", root,
                "/usr/bin/python3", "/bench/plain_run.py", $"/bench/{name}/input", $"/bench/{name}/output",
            ], RunTimeout);
            var runner = ReadSuccessfulResult(output, result.StandardError);
            using var report = JsonDocument.Parse(result.StandardOutput.Trim().Split('\n')[^1]);
            var seconds = report.RootElement.GetProperty("seconds").GetDouble();
            var peak = report.RootElement.GetProperty("max_rss_bytes").GetInt64();
            return new BareRun(seconds, runner.Seconds, peak);
        }
        finally
        {
            Directory.Delete(inside, recursive: true);
        }
    }

    public void Dispose() => _engine.Dispose();

    /// <summary>The image's files, exported once per image id into the cache folder.</summary>
    private async Task<string> RootFilesystemAsync(string image)
    {
        var inspect = await CommandRunner.RunCheckedAsync("docker", ["image", "inspect", "--format", "{{.Id}}", image], TimeSpan.FromMinutes(1));
        var imageId = inspect.StandardOutput.Trim().Replace("sha256:", "", StringComparison.Ordinal)[..12];
        var root = Path.Combine(cacheDirectory, $"rootfs-{imageId}");
        var complete = root + ".complete";
        if (File.Exists(complete))
        {
            return root;
        }

        // Copies of older images are of no further use; each is as large as its image.
        foreach (var stale in Directory.EnumerateDirectories(cacheDirectory, "rootfs-*"))
        {
            Directory.Delete(stale, recursive: true);
            File.Delete(stale + ".complete");
        }

        Directory.CreateDirectory(root);
        var created = await CommandRunner.RunCheckedAsync("docker", ["create", "--network", "none", image], TimeSpan.FromMinutes(1));
        var container = created.StandardOutput.Trim();
        try
        {
            await CommandRunner.RunCheckedAsync("bash", ["-c", $"docker export {container} | tar -x -C '{root}'"], TimeSpan.FromMinutes(10));
        }
        finally
        {
            await CommandRunner.RunAsync("docker", ["rm", container], TimeSpan.FromMinutes(1));
        }

        await File.WriteAllTextAsync(complete, image);
        return root;
    }

    private string NewOutputDirectory()
    {
        var output = Path.Combine(workDirectory, $"bare-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        return output;
    }

    private static RunnerReport ReadSuccessfulResult(string outputDirectory, string log)
    {
        var path = Path.Combine(outputDirectory, "result.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the runner wrote no {path}:\n{log}");
        }

        using var result = JsonDocument.Parse(File.ReadAllText(path));
        var status = result.RootElement.GetProperty("status").GetString();
        if (status != "success")
        {
            throw new InvalidOperationException($"the runner reported status '{status}' in {path}:\n{log}");
        }

        var peak = result.RootElement.TryGetProperty("peak_memory_bytes", out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : (long?)null;
        return new RunnerReport(result.RootElement.GetProperty("seconds").GetDouble(), peak);
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private sealed record RunnerReport(double Seconds, long? PeakMemoryBytes);
}
