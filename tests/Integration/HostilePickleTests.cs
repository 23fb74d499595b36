using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelUploads.Hosting;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Pickles that attack the sandbox from inside, made by real cloudpickle and run
/// on the real engine. A blocked attack returns valid predictions and ends in
/// Success. An escaped one raises "ESCAPED: ..." and its evidence becomes the
/// run's description. Attacks that must kill the run end in their Failed reason.
/// Most attacks run beside a normal run, which must still succeed with a full submission.
/// </summary>
public sealed class HostilePickleTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    /// <summary>The argument that orphan_daemon.pkl's detached process carries in hostile_pickles.py.</summary>
    private const string DaemonMarker = "modeluploads-hostile-daemon";

    /// <summary>Room in the stored log for the platform's own lines around the container's output.</summary>
    private const int PlatformLogBytes = 16 * 1024;

    private static readonly SandboxOptions Defaults = new();

    [Theory]
    [InlineData("network_loopback.pkl")]
    [InlineData("network_outside.pkl")]
    [InlineData("network_dns.pkl")]
    [InlineData("host_files.pkl")]
    [InlineData("writes_outside.pkl")]
    [InlineData("isolation.pkl")]
    [InlineData("privileges.pkl")]
    [InlineData("setuid_exec.pkl")]
    [InlineData("fork_until_limit.pkl")]
    [InlineData("thread_flood.pkl")]
    [InlineData("fill_tmp.pkl")]
    public async Task BlockedAttackEndsInSuccess(string pickle)
    {
        var (attack, control) = await RunBesideControlAsync(pickle);
        var log = await LogAsync(attack);

        Assert.True(attack.Status == RunStatus.Success, $"{pickle}: status {attack.Status} ({attack.Reason}): {attack.Description}");
        var attackName = Path.GetFileNameWithoutExtension(pickle);
        Assert.True(
            Regex.IsMatch(log, $@"\[hostile\] {attackName}: [1-9][0-9]* checks, 0 escaped"),
            $"{pickle}: the log has no summary of its checks:\n{Tail(log)}");
        AssertSucceeded(control, $"the control run beside {pickle}");
    }

    [Theory]
    [InlineData("fork_until_limit.pkl", "forked", "processes")]
    [InlineData("thread_flood.pkl", "started", "threads")]
    public async Task PidsLimitStopsProcessFlood(string pickle, string verb, string noun)
    {
        var (_, receipt) = await fixture.UploadAsync(await HostilePickles.PathAsync(pickle));
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);
        var log = await LogAsync(run);

        var match = Regex.Match(log, $@"{verb} ([0-9]+) {noun}, then");
        Assert.True(match.Success, $"{pickle}: no count of {noun} in the log (status {run.Status}: {run.Description}):\n{Tail(log)}");
        var count = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(count < Defaults.PidsLimit, $"{pickle}: {verb} {count} {noun}, not fewer than the pids limit of {Defaults.PidsLimit}");
    }

    [Fact]
    public async Task ForkBombEndsAndNextRunSucceeds()
    {
        // Given a fork bomb beside a normal run
        var (bomb, control) = await RunBesideControlAsync("fork_bomb.pkl");

        // When a normal run starts after it
        var (_, receipt) = await fixture.UploadAsync(await HostilePickles.PathAsync("control.pkl"));
        var next = await fixture.WaitForEndAsync(receipt.LiveRunId!);

        // Then the bomb ended as the model's fault and neither normal run noticed it
        Assert.True(bomb.Status is RunStatus.Failed or RunStatus.Success, $"fork bomb: status {bomb.Status} ({bomb.Reason}): {bomb.Description}");
        AssertSucceeded(control, "the control run beside the fork bomb");
        AssertSucceeded(next, "the run after the fork bomb");
    }

    [Fact]
    public async Task MemoryHogFailsWithOutOfMemory()
    {
        var (attack, control) = await RunBesideControlAsync("memory_hog.pkl");

        Assert.True(attack.Status == RunStatus.Failed, $"status {attack.Status}: {attack.Description}");
        Assert.True(attack.Reason == FailureReason.OutOfMemory, $"reason {attack.Reason}: {attack.Description}");
        Assert.Contains("more than the memory limit of 1 GiB", attack.Description, StringComparison.Ordinal);
        AssertSucceeded(control, "the control run beside memory_hog.pkl");
    }

    [Theory]
    [InlineData("output_flood.pkl")]
    [InlineData("output_many_files.pkl")]
    public async Task OutputFloodIsNotKeptOnHost(string pickle)
    {
        var (attack, control) = await RunBesideControlAsync(pickle);
        var log = await LogAsync(attack);

        var output = new RunWorkspace(fixture.StorageRoot, attack.RunId).OutputDirectory(attack.Attempt);
        var (files, bytes) = FolderSize(output);
        var written = Regex.Match(log, @"\[hostile\] output_[a-z_]+: wrote [^\n]*").Value;
        Assert.True(
            bytes <= Defaults.OutputLimitBytes,
            $"{pickle}: after status {attack.Status} ({attack.Description}) the run's output folder {output} on the host "
            + $"contains {files} files of {bytes} bytes, over Sandbox:OutputLimitBytes of {Defaults.OutputLimitBytes}; the model logged '{written}'");
        AssertSucceeded(control, $"the control run beside {pickle}");
    }

    [Fact]
    public async Task HugePredictionsFailAsInvalidSubmission()
    {
        var (attack, control) = await RunBesideControlAsync("huge_predictions.pkl");

        Assert.True(attack.Status == RunStatus.Failed, $"status {attack.Status}: {attack.Description}");
        Assert.True(attack.Reason == FailureReason.InvalidSubmission, $"reason {attack.Reason}: {attack.Description}");
        Assert.Contains("256 MiB", attack.Description, StringComparison.Ordinal);
        AssertSucceeded(control, "the control run beside huge_predictions.pkl");
    }

    [Fact]
    public async Task StdoutFloodLogIsCapped()
    {
        var (attack, control) = await RunBesideControlAsync("stdout_flood.pkl");
        var log = await LogAsync(attack);

        Assert.True(attack.Status == RunStatus.Success, $"status {attack.Status} ({attack.Reason}): {attack.Description}");
        var logBytes = Encoding.UTF8.GetByteCount(log);
        Assert.True(
            logBytes <= Defaults.LogLimitBytes + PlatformLogBytes,
            $"the stored log is {logBytes} bytes, over Sandbox:LogLimitBytes of {Defaults.LogLimitBytes} and {PlatformLogBytes} bytes of platform lines");
        Assert.Contains("bytes of output dropped", log, StringComparison.Ordinal);
        Assert.Contains("[hostile] stdout_flood: printed", log, StringComparison.Ordinal);
        AssertSucceeded(control, "the control run beside stdout_flood.pkl");
    }

    [Fact]
    public async Task StdoutFloodLogKeepsHeadAndCount()
    {
        var (_, receipt) = await fixture.UploadAsync(await HostilePickles.PathAsync("stdout_flood.pkl"));
        var run = await fixture.WaitForEndAsync(receipt.LiveRunId!);
        var log = await LogAsync(run);

        var printed = Regex.Match(log, @"\[hostile\] stdout_flood: printed ([0-9]+) bytes");
        Assert.True(printed.Success, $"the log lost its last line (status {run.Status}: {run.Description}):\n{Tail(log)}");
        var printedBytes = long.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(
            log.Contains("[hostile] stdout_flood: first line", StringComparison.Ordinal),
            $"the log lost the head of the container's output; it starts:\n{Head(log)}");
        var dropped = Regex.Match(log, @"\[\.\.\. (?:at least )?([0-9]+) bytes of output dropped");
        Assert.True(dropped.Success, $"the log does not count the bytes it dropped:\n{Head(log)}");
        var droppedBytes = long.Parse(dropped.Groups[1].Value, CultureInfo.InvariantCulture);
        // The count is a lower bound when the engine rotated output away before the silo read it.
        Assert.True(
            droppedBytes > Defaults.LogLimitBytes && droppedBytes <= printedBytes,
            $"the log says {droppedBytes} bytes were dropped, but the model printed {printedBytes} bytes and the log keeps at most {Defaults.LogLimitBytes}");
    }

    [Theory]
    [InlineData("sleep_forever.pkl")]
    [InlineData("ignore_sigterm.pkl")]
    public async Task EndlessPredictFailsWithTimeout(string pickle)
    {
        var (attack, control) = await RunBesideControlAsync(pickle);

        Assert.True(attack.Status == RunStatus.Failed, $"{pickle}: status {attack.Status}: {attack.Description}");
        Assert.True(attack.Reason == FailureReason.Timeout, $"{pickle}: reason {attack.Reason}: {attack.Description}");
        Assert.Contains("stopped at the limit of 20.0 s", attack.Description, StringComparison.Ordinal);
        AssertSucceeded(control, $"the control run beside {pickle}");
    }

    [Fact]
    public async Task OrphanDaemonDiesWithRun()
    {
        var (attack, control) = await RunBesideControlAsync("orphan_daemon.pkl");
        var log = await LogAsync(attack);

        Assert.True(attack.Status == RunStatus.Success, $"status {attack.Status} ({attack.Reason}): {attack.Description}");
        Assert.Contains("is running in the sandbox", log, StringComparison.Ordinal);
        var survivors = HostProcessesWith(DaemonMarker);
        Assert.True(survivors.Count == 0, $"processes of the ended run still run on the host: {string.Join("; ", survivors)}");
        AssertSucceeded(control, "the control run beside orphan_daemon.pkl");
    }

    [Theory]
    [InlineData("load_exec.pkl", "exec", "contains a NoneType, not a callable")]
    [InlineData("load_system.pkl", "os.system", "contains a int, not a callable")]
    public async Task LoadTimeCodeFailsAsInvalidPickle(string pickle, string via, string expectedDescription)
    {
        var (attack, control) = await RunBesideControlAsync(pickle);

        Assert.True(attack.Status == RunStatus.Failed, $"{pickle}: status {attack.Status}: {attack.Description}");
        Assert.True(attack.Reason == FailureReason.InvalidPickle, $"{pickle}: reason {attack.Reason}: {attack.Description}");
        Assert.Contains(expectedDescription, attack.Description, StringComparison.Ordinal);

        var evidencePath = Path.Combine(new RunWorkspace(fixture.StorageRoot, attack.RunId).OutputDirectory(attack.Attempt), "load_evidence.json");
        Assert.True(File.Exists(evidencePath), $"{pickle}: the load-time code wrote no {evidencePath}");
        using var evidence = JsonDocument.Parse(await File.ReadAllTextAsync(evidencePath));
        var root = evidence.RootElement;
        Assert.Equal(via, root.GetProperty("via").GetString());
        var checks = root.GetProperty("checks").EnumerateArray().Select(check => check.GetString()).ToArray();
        Assert.True(checks.Length > 0, $"{pickle}: the load-time code ran no checks");
        var escaped = root.GetProperty("escaped").EnumerateArray().Select(check => check.GetString()).ToArray();
        Assert.True(escaped.Length == 0, $"{pickle}: at load time the sandbox let through: {string.Join("; ", escaped)}");
        AssertSucceeded(control, $"the control run beside {pickle}");
    }

    /// <summary>Uploads the attack and a normal model at once, so both run in the silo's two slots, and waits for both.</summary>
    private async Task<(RunSnapshot Attack, RunSnapshot Control)> RunBesideControlAsync(string pickle)
    {
        var (_, attack) = await fixture.UploadAsync(await HostilePickles.PathAsync(pickle));
        var (_, control) = await fixture.UploadAsync(await HostilePickles.PathAsync("control.pkl"));
        var attackRun = await fixture.WaitForEndAsync(attack.LiveRunId!);
        var controlRun = await fixture.WaitForEndAsync(control.LiveRunId!);
        return (attackRun, controlRun);
    }

    private void AssertSucceeded(RunSnapshot run, string runLabel)
    {
        Assert.True(run.Status == RunStatus.Success, $"{runLabel}: status {run.Status} ({run.Reason}): {run.Description}");
        Assert.True(run.Submission?.Rows == fixture.Round.Rows, $"{runLabel}: submission of {run.Submission?.Rows} rows, not {fixture.Round.Rows}");
    }

    private async Task<string> LogAsync(RunSnapshot run) =>
        await fixture.Grains.GetGrain<IRunGrain>(run.RunId).GetLogAsync() ?? "";

    private static (int Files, long Bytes) FolderSize(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return (0, 0);
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(path => new FileInfo(path)).ToArray();
        return (files.Length, files.Sum(file => file.Length));
    }

    /// <summary>Lists the host's processes whose command line contains the marker, as "PID: command line".</summary>
    private static List<string> HostProcessesWith(string marker)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (!pid.All(char.IsAsciiDigit))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine}");
                }
            }
            catch (IOException)
            {
                // The process ended between the listing and the read.
            }
        }

        return found;
    }

    private static string Head(string log) => log.Length <= 500 ? log : log[..500];

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
