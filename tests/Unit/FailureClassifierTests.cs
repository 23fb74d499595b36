using ModelUploads.Runs;

namespace ModelUploads.Tests.Unit;

public sealed class FailureClassifierTests
{
    private static readonly RuntimeFacts Runtime = new(
        PythonVersion: "3.11",
        FullPythonVersion: "3.11.14",
        AvailablePythonVersions: ["3.11", "3.13"],
        Libraries: new Dictionary<string, string>
        {
            ["pandas"] = "2.2.3",
            ["scikit-learn"] = "1.7.0",
            ["numpy"] = "2.3.1",
        },
        MemoryLimitBytes: 2L << 30,
        WallClockLimit: TimeSpan.FromMinutes(10));

    private static readonly TimeSpan Elapsed = TimeSpan.FromSeconds(12.34);

    /// <summary>One row of the classification table: a container's end and the status and reason it must get.</summary>
    public sealed class ExitCase
    {
        private readonly string _name;

        internal ExitCase(string name, RunStatus status, FailureReason reason, ContainerExit exit)
        {
            _name = name;
            Status = status;
            Reason = reason;
            Exit = exit;
        }

        public RunStatus Status { get; }

        public FailureReason Reason { get; }

        internal ContainerExit Exit { get; }

        public override string ToString() => _name;
    }

    public static TheoryData<ExitCase> ExitCases() =>
    [
        new(
            "timeout", RunStatus.Failed, FailureReason.Timeout,
            Exit(137, oomKilled: false, killedForTimeout: true, TimeSpan.FromMinutes(10), result: null)),
        new(
            "timeout and OOM", RunStatus.Failed, FailureReason.Timeout,
            Exit(137, oomKilled: true, killedForTimeout: true, TimeSpan.FromMinutes(10), result: null)),
        new(
            "OOM", RunStatus.Failed, FailureReason.OutOfMemory,
            Exit(137, oomKilled: true, killedForTimeout: false, Elapsed, result: null)),
        new(
            "success", RunStatus.Validating, FailureReason.None,
            Exit(0, false, false, Elapsed, new RunnerResult { Status = "success", Rows = 50 })),
        new(
            "success result with exit 1", RunStatus.Error, FailureReason.None,
            Exit(1, false, false, Elapsed, new RunnerResult { Status = "success", Rows = 50 })),
        new(
            "segmentation fault", RunStatus.Failed, FailureReason.PythonVersionMismatch,
            Exit(FailureClassifier.SegmentationFaultExitCode, false, false, Elapsed, result: null)),
        new(
            "ModuleNotFoundError with a module", RunStatus.Failed, FailureReason.MissingModule,
            ModelError("load", "ModuleNotFoundError", "No module named 'lightgbm'", module: "lightgbm")),
        new(
            "ImportError with a module", RunStatus.Failed, FailureReason.MissingModule,
            ModelError("load", "ImportError", "cannot import name 'Booster'", module: "xgboost")),
        new(
            "ModuleNotFoundError without a module", RunStatus.Failed, FailureReason.InvalidPickle,
            ModelError("load", "ModuleNotFoundError", "No module named 'lightgbm'")),
        new(
            "TypeError on code() arguments", RunStatus.Failed, FailureReason.PythonVersionMismatch,
            ModelError("load", "TypeError", "code() argument 13 must be str, not int")),
        new(
            "TypeError on code expected arguments", RunStatus.Failed, FailureReason.PythonVersionMismatch,
            ModelError("load", "TypeError", "code expected at most 16 arguments, got 18")),
        new(
            "AttributeError on _function_setstate", RunStatus.Failed, FailureReason.PythonVersionMismatch,
            ModelError("load", "AttributeError", "Can't get attribute '_function_setstate' on <module 'cloudpickle.cloudpickle'>")),
        new(
            "SystemError unknown opcode in predict", RunStatus.Failed, FailureReason.PythonVersionMismatch,
            ModelError("predict", "SystemError", "unknown opcode")),
        new(
            "UnpicklingError in load", RunStatus.Failed, FailureReason.InvalidPickle,
            ModelError("load", "UnpicklingError", "invalid load key, 'x'.")),
        new(
            "ValueError in predict", RunStatus.Failed, FailureReason.ModelException,
            ModelError("predict", "ValueError", "Input X contains NaN.")),
        new(
            "error in output", RunStatus.Failed, FailureReason.InvalidSubmission,
            ModelError("output", "TypeError", "predict returned a list")),
        new(
            "exit 1 without result", RunStatus.Error, FailureReason.None,
            Exit(1, false, false, Elapsed, result: null)),
        new(
            "model error exit without result", RunStatus.Error, FailureReason.None,
            Exit(FailureClassifier.ModelErrorExitCode, false, false, Elapsed, result: null)),
        new(
            "error result with exit 1", RunStatus.Error, FailureReason.None,
            ModelError("predict", "ValueError", "bad input") with { ExitCode = 1 }),
    ];

    [Theory]
    [MemberData(nameof(ExitCases))]
    public void ClassifyReturnsStatusAndReason(ExitCase exitCase)
    {
        // When
        var outcome = FailureClassifier.Classify(exitCase.Exit, Runtime);

        // Then
        Assert.True(exitCase.Status == outcome.Status, $"{exitCase}: status {outcome.Status}, description: {outcome.Description}");
        Assert.True(exitCase.Reason == outcome.Reason, $"{exitCase}: reason {outcome.Reason}, description: {outcome.Description}");
    }

    [Fact]
    public void ClassifyTimeoutNamesElapsedAndLimit()
    {
        // Given
        var exit = Exit(137, false, killedForTimeout: true, new TimeSpan(0, 10, 2), result: null);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("ran for 10 min 2 s", outcome.Description);
        TextAssert.Contains("limit of 10 min 0 s", outcome.Description);
    }

    [Fact]
    public void ClassifyOutOfMemoryNamesLimitAndPeak()
    {
        // Given
        var exit = Exit(137, oomKilled: true, false, Elapsed, result: null, peakMemoryBytes: 1_950_000_000);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("memory limit of 2 GiB", outcome.Description);
        TextAssert.Contains("the peak seen was 1.82 GiB", outcome.Description);
    }

    [Fact]
    public void ClassifyOutOfMemoryOmitsUnknownPeak()
    {
        // Given
        var exit = Exit(137, oomKilled: true, false, Elapsed, result: null);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("memory limit of 2 GiB", outcome.Description);
        TextAssert.DoesNotContain("peak", outcome.Description);
    }

    [Fact]
    public void ClassifySuccessCountsPredictions()
    {
        // Given
        var exit = Exit(0, false, false, Elapsed, new RunnerResult { Status = "success", Rows = 50 });

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        Assert.Equal("The model wrote 50 predictions in 12.3 s.", outcome.Description);
    }

    [Fact]
    public void ClassifySegmentationFaultNamesVersions()
    {
        // Given
        var exit = Exit(FailureClassifier.SegmentationFaultExitCode, false, false, Elapsed, result: null);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("exit code 139", outcome.Description);
        TextAssert.Contains("Python 3.11.14 runtime", outcome.Description);
        TextAssert.Contains("available versions: 3.11, 3.13.", outcome.Description);
    }

    [Fact]
    public void ClassifyMissingModuleListsLibraries()
    {
        // Given
        var exit = ModelError("load", "ModuleNotFoundError", "No module named 'lightgbm'", module: "lightgbm");

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("the module 'lightgbm'", outcome.Description);
        TextAssert.Contains("Python 3.11 runtime", outcome.Description);
        TextAssert.Contains("It has: numpy 2.3.1, pandas 2.2.3, scikit-learn 1.7.0.", outcome.Description);
    }

    [Fact]
    public void ClassifyVersionMismatchQuotesError()
    {
        // Given
        var exit = ModelError("load", "TypeError", "code() argument 13 must be str, not int");

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("(TypeError: code() argument 13 must be str, not int)", outcome.Description);
        TextAssert.Contains("available versions: 3.11, 3.13.", outcome.Description);
    }

    [Fact]
    public void ClassifyModelExceptionQuotesLastLine()
    {
        // Given
        var message = "could not convert the input\n  while scaling column 'feature_a'\nInput X contains NaN\n\n";
        var exit = ModelError("predict", "ValueError", message);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        Assert.Equal("predict raised ValueError: Input X contains NaN. The full traceback is in the run's log.", outcome.Description);
    }

    [Fact]
    public void ClassifyModelExceptionWithoutTypeOrMessage()
    {
        // Given
        var exit = ModelError("predict", errorType: null, message: "  \n ");

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        Assert.Equal(FailureReason.ModelException, outcome.Reason);
        TextAssert.Contains("predict raised Exception: (no message).", outcome.Description);
    }

    [Fact]
    public void ClassifyInvalidSubmissionQuotesError()
    {
        // Given
        var exit = ModelError("output", "TypeError", "predict returned a list");

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        Assert.Equal("predict returned something that is not a submission (TypeError: predict returned a list).", outcome.Description);
    }

    [Fact]
    public void ClassifyErrorNamesExitCode()
    {
        // Given
        var exit = Exit(1, false, false, Elapsed, result: null);

        // When
        var outcome = FailureClassifier.Classify(exit, Runtime);

        // Then
        TextAssert.Contains("exited with code 1 without reporting a result", outcome.Description);
    }

    [Theory]
    [InlineData(0.04, "0.0 s")]
    [InlineData(12.34, "12.3 s")]
    [InlineData(59.9, "59.9 s")]
    [InlineData(60, "1 min 0 s")]
    [InlineData(602.5, "10 min 2 s")]
    public void FormatDurationUsesMinutesFromOneMinute(double seconds, string expected)
    {
        Assert.Equal(expected, FailureClassifier.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(0, "0 MiB")]
    [InlineData(512L << 20, "512 MiB")]
    [InlineData((1L << 30) - (1L << 20), "1023 MiB")]
    [InlineData(1L << 30, "1 GiB")]
    [InlineData(3L << 29, "1.5 GiB")]
    public void FormatBytesUsesGibibytesFromOne(long bytes, string expected)
    {
        Assert.Equal(expected, FailureClassifier.FormatBytes(bytes));
    }

    private static ContainerExit Exit(
        long exitCode, bool oomKilled, bool killedForTimeout, TimeSpan elapsed, RunnerResult? result, long? peakMemoryBytes = null) =>
        new(exitCode, oomKilled, killedForTimeout, elapsed, result, peakMemoryBytes);

    private static ContainerExit ModelError(string stage, string? errorType, string message, string? module = null) =>
        Exit(
            FailureClassifier.ModelErrorExitCode,
            oomKilled: false,
            killedForTimeout: false,
            Elapsed,
            new RunnerResult { Status = "error", Stage = stage, ErrorType = errorType, Message = message, Module = module });
}
