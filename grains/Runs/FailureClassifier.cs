using System.Globalization;

namespace ModelUploads.Runs;

/// <summary>
/// Decides whether a finished container is the model's fault (Failed, with a
/// reason), the platform's fault (Error) or a prediction to validate. It reads
/// only the engine's report and the runner's result.json.
/// </summary>
internal static class FailureClassifier
{
    /// <summary>Exit code of a process killed by SIGSEGV, as the engine reports it (128 + 11).</summary>
    public const long SegmentationFaultExitCode = 139;

    /// <summary>The runner's exit code after it recorded a model error in result.json.</summary>
    public const long ModelErrorExitCode = 3;

    /// <summary>
    /// Messages that show a pickle made by another Python or cloudpickle version:
    /// code objects whose constructor arguments changed between Python versions,
    /// cloudpickle internals renamed between its releases, and bytecode the
    /// interpreter does not know.
    /// </summary>
    private static readonly string[] VersionMismatchSigns =
    [
        "code() argument",
        "code expected",
        "_function_setstate",
        "_class_setstate",
        "_make_function",
        "_make_skeleton_class",
        "_builtin_type",
        "_make_cell",
        "unknown opcode",
        "bad marshal data",
        "unsupported pickle protocol",
    ];

    public static RunOutcome Classify(ContainerExit exit, RuntimeFacts runtime)
    {
        if (exit.KilledForTimeout)
        {
            return RunOutcome.Failed(
                FailureReason.Timeout,
                $"The model ran for {FormatDuration(exit.Elapsed)} and was stopped at the limit of {FormatDuration(runtime.WallClockLimit)}. "
                + "Make predict faster, for example with fewer trees or features, and upload it again.");
        }

        if (exit.OomKilled)
        {
            var peak = exit.PeakMemoryBytes is { } bytes ? $"; the peak seen was {FormatBytes(bytes)}" : "";
            return RunOutcome.Failed(
                FailureReason.OutOfMemory,
                $"The model used more than the memory limit of {FormatBytes(runtime.MemoryLimitBytes)} and was killed{peak}. "
                + "Reduce its memory use, for example by predicting in smaller batches or using float32 features.");
        }

        if (exit.Result is { Succeeded: true } && exit.ExitCode == 0)
        {
            return RunOutcome.Predicted($"The model wrote {exit.Result.Rows ?? 0} predictions in {FormatDuration(exit.Elapsed)}.");
        }

        if (exit.ExitCode == SegmentationFaultExitCode)
        {
            return RunOutcome.Failed(
                FailureReason.PythonVersionMismatch,
                $"The model crashed the Python interpreter (segmentation fault, exit code 139) in the Python {runtime.FullPythonVersion} runtime. "
                + VersionAdvice(runtime));
        }

        if (exit.Result is { Succeeded: false } error && exit.ExitCode == ModelErrorExitCode)
        {
            return ClassifyModelError(error, runtime);
        }

        return RunOutcome.Error(
            $"The sandbox runner exited with code {exit.ExitCode} without reporting a result. "
            + "This is a platform error, not the model's; the run is retried.");
    }

    private static RunOutcome ClassifyModelError(RunnerResult error, RuntimeFacts runtime)
    {
        var type = error.ErrorType ?? "Exception";
        var message = LastLine(error.Message);
        var text = $"{type}: {message}";

        if (type is "ModuleNotFoundError" or "ImportError" && error.Module is { Length: > 0 } module)
        {
            var libraries = string.Join(", ", runtime.Libraries.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} {l.Value}"));
            return RunOutcome.Failed(
                FailureReason.MissingModule,
                $"The model needs the module '{module}', which the Python {runtime.PythonVersion} runtime does not have. "
                + $"It has: {libraries}. Use only these libraries, or vendor the code into the pickle.");
        }

        if (VersionMismatchSigns.Any(sign => text.Contains(sign, StringComparison.OrdinalIgnoreCase)))
        {
            return RunOutcome.Failed(
                FailureReason.PythonVersionMismatch,
                $"The pickle does not run in the Python {runtime.FullPythonVersion} runtime it was uploaded for ({text}). " + VersionAdvice(runtime));
        }

        return error.Stage switch
        {
            "load" => RunOutcome.Failed(
                FailureReason.InvalidPickle,
                $"The pickle could not be loaded ({text}). Serialize predict with cloudpickle.dump, "
                + "which stores functions and classes defined in __main__ by value, and upload that file."),
            "output" => RunOutcome.Failed(
                FailureReason.InvalidSubmission,
                $"predict returned something that is not a submission ({text})."),
            _ => RunOutcome.Failed(
                FailureReason.ModelException,
                $"predict raised {EndSentence(text)} The full traceback is in the run's log."),
        };
    }

    private static string EndSentence(string text) => text.EndsWith('.') ? text : text + ".";

    private static string VersionAdvice(RuntimeFacts runtime) =>
        $"Upload the pickle for the Python version it was made with; available versions: {string.Join(", ", runtime.AvailablePythonVersions)}.";

    private static string LastLine(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "(no message)";
        }

        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : lines[^1];
    }

    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s");

    internal static string FormatBytes(long bytes) =>
        bytes >= 1L << 30
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB");
}
