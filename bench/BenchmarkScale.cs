namespace ModelUploads.Bench;

/// <summary>
/// The sizes every benchmark runs at. <see cref="FullRun"/> is what docs/BENCHMARKS.md
/// reports; <see cref="ShortRun"/> runs the same code at small sizes in the test command.
/// </summary>
public sealed record BenchmarkScale
{
    public required string Name { get; init; }

    /// <summary>Live rows and features of the typical round, which the overhead and round benchmarks use.</summary>
    public required int TypicalLiveRows { get; init; }

    public required int TypicalFeatures { get; init; }

    /// <summary>Timed triggers, bare container runs and plain-process runs of each overhead model.</summary>
    public required int Repetitions { get; init; }

    public required int RoundModels { get; init; }

    /// <summary>Bare container runs of the cheap model whose mean represents every model of the round.</summary>
    public required int RoundBareSamples { get; init; }

    /// <summary>Live rows and features of Numerai's full-size live file, for the heavy and hand-off benchmarks.</summary>
    public required int FullLiveRows { get; init; }

    public required int FullFeatures { get; init; }

    public required int HeavySmallTrees { get; init; }

    public required int HeavySmallFeatures { get; init; }

    public required int HeavyLargeTrees { get; init; }

    public required long UploadBytes { get; init; }

    public required int StatusRequestsPerSecond { get; init; }

    public required TimeSpan StatusDuration { get; init; }

    public static BenchmarkScale FullRun { get; } = new()
    {
        Name = "full",
        TypicalLiveRows = 5_000,
        TypicalFeatures = 300,
        Repetitions = 5,
        RoundModels = 200,
        RoundBareSamples = 20,
        FullLiveRows = 6_000,
        FullFeatures = 2_376,
        HeavySmallTrees = 20_000,
        HeavySmallFeatures = 40,
        HeavyLargeTrees = 90_000,
        UploadBytes = 1L << 30,
        StatusRequestsPerSecond = 500,
        StatusDuration = TimeSpan.FromSeconds(20),
    };

    public static BenchmarkScale ShortRun { get; } = new()
    {
        Name = "short",
        TypicalLiveRows = 300,
        TypicalFeatures = 20,
        Repetitions = 1,
        RoundModels = 4,
        RoundBareSamples = 1,
        FullLiveRows = 300,
        FullFeatures = 60,
        HeavySmallTrees = 100,
        HeavySmallFeatures = 10,
        HeavyLargeTrees = 300,
        UploadBytes = 8L << 20,
        StatusRequestsPerSecond = 50,
        StatusDuration = TimeSpan.FromSeconds(2),
    };
}
