using System.Diagnostics;
using System.Text;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>The outcome of one command: its exit code, its output and its wall time.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed);

/// <summary>Runs external commands (docker, chroot, cp) and times them from start to exit.</summary>
public static class CommandRunner
{
    /// <summary>Runs the command and raises with its output when it exits non-zero or overruns the timeout.</summary>
    public static async Task<CommandResult> RunCheckedAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var result = await RunAsync(program, arguments, timeout);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with code {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
    }

    public static async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not exit within {timeout}:\n{Text(output)}\n{Text(error)}");
        }

        var elapsed = clock.Elapsed;
        process.WaitForExit();
        return new CommandResult(process.ExitCode, Text(output), Text(error), elapsed);
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
