namespace ModelUploads.Runs;

/// <summary>How a sandbox container ended, as the engine and the silo saw it.</summary>
internal sealed record ContainerExit(
    long ExitCode,
    bool OomKilled,
    bool KilledForTimeout,
    TimeSpan Elapsed,
    RunnerResult? Result,
    long? PeakMemoryBytes);
