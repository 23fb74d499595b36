using System.Globalization;
using System.Text;
using ModelUploads.Bench.Infrastructure;

namespace ModelUploads.Bench.Reporting;

/// <summary>Where and from what code the benchmarks ran, read when they start.</summary>
/// <param name="Commit">The checkout's commit, with a remark when the working tree differs from it.</param>
public sealed record BenchmarkRun(BenchmarkScale Scale, DateTimeOffset StartedAt, string Commit, string Machine)
{
    public static async Task<BenchmarkRun> StartAsync(BenchmarkScale scale, string repositoryRoot) =>
        new(scale, DateTimeOffset.UtcNow, await CommitAsync(repositoryRoot), await MachineAsync());

    private static async Task<string> MachineAsync()
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kibibytes = long.Parse(memory["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        var processor = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            ?? "unknown processor";
        var kernel = (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease")).Trim();
        var docker = await CommandRunner.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(30));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({processor}), {kibibytes / 1024.0 / 1024.0:0.0} GiB of memory, Linux {kernel}, "
            + $"Docker engine {docker.StandardOutput.Trim()}, .NET {Environment.Version}");
    }

    private static async Task<string> CommitAsync(string repositoryRoot)
    {
        var head = await CommandRunner.RunAsync("git", ["-C", repositoryRoot, "rev-parse", "--short", "HEAD"], TimeSpan.FromSeconds(30));
        if (head.ExitCode != 0)
        {
            return "unknown (not a git checkout)";
        }

        // The report itself is left out, because each run rewrites it.
        var changes = await CommandRunner.RunAsync(
            "git", ["-C", repositoryRoot, "status", "--porcelain", "--", ".", ":!docs/BENCHMARKS.md"], TimeSpan.FromSeconds(30));
        return changes.StandardOutput.Trim().Length == 0 ? head.StandardOutput.Trim() : head.StandardOutput.Trim() + " with uncommitted changes";
    }
}

/// <summary>Writes docs/BENCHMARKS.md: how and where it was measured, a summary of the targets, then one part per benchmark.</summary>
public static class BenchmarkReport
{
    public const string Command = "bench/run.sh";

    /// <summary>Renders the sections; a failure, when given, is stated after the sections that finished before it.</summary>
    public static string Render(IReadOnlyList<ReportSection> sections, BenchmarkRun run, Exception? failure)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Written by `{Command}` ({run.Scale.Name} sizes) on {run.StartedAt:yyyy-MM-dd}, starting {run.StartedAt:HH:mm} UTC, at commit {run.Commit}."));
        text.AppendLine("Run it again to rewrite this page. Ratios compare figures measured in the same run, and absolute "
            + "times are context for this machine only.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {run.Machine}.");
        text.AppendLine();
        if (failure is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**The run stopped with an error**, so only the benchmarks that finished before it are here: {failure.Message}");
            text.AppendLine();
        }

        text.AppendLine("## Targets");
        text.AppendLine();
        text.AppendLine("| benchmark | target | measured | result |");
        text.AppendLine("|---|---|---|---|");
        foreach (var section in sections)
        {
            foreach (var target in section.Targets)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {target.Name} | {target.Target} | {target.Measured} | {(target.Met ? "met" : "**missed**")} |");
            }
        }

        text.AppendLine();
        for (var i = 0; i < sections.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"## {i + 1}. {sections[i].Title}");
            text.AppendLine();
            foreach (var line in sections[i].Lines)
            {
                text.AppendLine(line);
            }
        }

        return text.ToString().TrimEnd() + "\n";
    }
}
