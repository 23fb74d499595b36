using System.Globalization;
using System.Text.RegularExpressions;
using ModelUploads.Runs;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>
/// The stages of a finished run, from its status history. The silo stamps each change
/// with the machine's clock, so differences with a client's clock on the same machine hold.
/// </summary>
public sealed partial class RunTimeline
{
    private RunTimeline(RunSnapshot run)
    {
        Run = run;
        Queued = At(run, RunStatus.Pending);
        Started = At(run, RunStatus.Running);
        Validating = At(run, RunStatus.Validating);
        Finished = run.FinishedAt ?? throw new InvalidOperationException($"run {run.RunId} has not finished");
    }

    public RunSnapshot Run { get; }

    /// <summary>When the run was recorded and started waiting for a slot.</summary>
    public DateTimeOffset Queued { get; }

    /// <summary>When the run took its slot and began to start its container.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>When the container had exited and its predictions were being checked; the slot is released here.</summary>
    public DateTimeOffset Validating { get; }

    public DateTimeOffset Finished { get; }

    public double QueueSeconds => (Started - Queued).TotalSeconds;

    /// <summary>From taking the slot to the container's exit being seen: the part a bare docker run also has.</summary>
    public double ContainerSeconds => (Validating - Started).TotalSeconds;

    public double ValidationSeconds => (Finished - Validating).TotalSeconds;

    public static RunTimeline Of(RunSnapshot run) => new(run);

    /// <summary>The runner's own time (load, predict, write), from its last line in the run's log.</summary>
    public static double RunnerSeconds(string log)
    {
        var matches = RunnerFinishedLine().Matches(log);
        return matches.Count > 0
            ? double.Parse(matches[^1].Groups["seconds"].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"the run's log has no 'wrote N predictions in S s' line:\n{log}");
    }

    private static DateTimeOffset At(RunSnapshot run, RunStatus status) =>
        run.History.LastOrDefault(change => change.Status == status)?.At
        ?? throw new InvalidOperationException($"run {run.RunId} never was {status}: {string.Join(", ", run.History.Select(h => h.Status))}");

    [GeneratedRegex(@"wrote \d+ predictions in (?<seconds>[0-9.]+) s")]
    private static partial Regex RunnerFinishedLine();
}
