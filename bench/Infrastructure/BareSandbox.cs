using System.Globalization;
using System.Text.Json;
using ModelUploads.Hosting;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>One run of the sandbox runner outside the platform.</summary>
/// <param name="Seconds">Wall time from the command's start to its exit.</param>
/// <param name="RunnerSeconds">The runner's own time to load the pickle, predict and write the predictions.</param>
/// <param name="PeakMemoryBytes">The container cgroup's peak, or the plain process's maximum resident size.</param>
public sealed record BareRun(double Seconds, double RunnerSeconds, long? PeakMemoryBytes);

/// <summary>
/// The two baselines the platform is measured against, on the same staged inputs. One is a bare
/// `docker run` of the runtime image with the sandbox's limits. The other is the runner as a plain
/// process, chrooted into a copy of the image's files so that it has the same Python and libraries.
/// </summary>
public sealed class BareSandbox(string workDirectory, string cacheDirectory, string repositoryRoot)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);
    private readonly SandboxOptions _limits = new();
    private int _runs;

    /// <summary>Runs the image's runner with the sandbox's flags, as the reproduction command in a run's log does.</summary>
    public async Task<BareRun> RunContainerAsync(string inputDirectory, string image)
    {
        var output = NewOutputDirectory();
        var memory = _limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
        var result = await CommandRunner.RunCheckedAsync("docker", [
            "run", "--rm", "--network", "none",
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

    /// <summary>Runs the runner in a chroot of the image's files, with no container, cgroup or namespace.</summary>
    public async Task<BareRun> RunPlainAsync(string inputDirectory, string image)
    {
        var root = await RootFilesystemAsync(image);
        var name = $"plain-{Interlocked.Increment(ref _runs)}";
        var inside = Path.Combine(root, "bench", name);
        var input = Path.Combine(inside, "input");
        var output = Path.Combine(inside, "output");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(output);
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        CopyDirectory(inputDirectory, input);
        File.Copy(Path.Combine(repositoryRoot, "bench", "models", "plain_run.py"), Path.Combine(root, "bench", "plain_run.py"), overwrite: true);
        try
        {
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

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
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
        var output = Path.Combine(workDirectory, $"bare-{Interlocked.Increment(ref _runs)}");
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
