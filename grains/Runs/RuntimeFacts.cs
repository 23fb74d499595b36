namespace ModelUploads.Runs;

/// <summary>What a failure message says about the runtimes: the run's own and the others.</summary>
internal sealed record RuntimeFacts(
    string PythonVersion,
    string FullPythonVersion,
    IReadOnlyList<string> AvailablePythonVersions,
    IReadOnlyDictionary<string, string> Libraries,
    long MemoryLimitBytes,
    TimeSpan WallClockLimit);
