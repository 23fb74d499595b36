namespace ModelUploads.Runs;

/// <summary>A run's status as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RunSnapshot")]
public sealed record RunSnapshot
{
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public required string ModelId { get; init; }
    [Id(2)] public required int Round { get; init; }
    [Id(3)] public required RunKind Kind { get; init; }
    [Id(4)] public required RunStatus Status { get; init; }
    [Id(5)] public FailureReason Reason { get; init; }
    [Id(6)] public required string Description { get; init; }
    [Id(7)] public required int Attempt { get; init; }
    [Id(8)] public required IReadOnlyList<StatusChange> History { get; init; }

    /// <summary>One-based place in the slot queue while Pending, else null.</summary>
    [Id(9)] public int? QueuePosition { get; init; }
    [Id(10)] public string? ContainerName { get; init; }
    [Id(11)] public DateTimeOffset? ContainerStartedAt { get; init; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(13)] public SubmissionInfo? Submission { get; init; }
    [Id(14)] public long? PeakMemoryBytes { get; init; }
    [Id(15)] public required string PythonVersion { get; init; }

    /// <summary>The diagnostics of a successful validation run; null for live runs.</summary>
    [Id(16)] public ValidationDiagnostics? Diagnostics { get; init; }

    /// <summary>Digest of the pickle the run executes.</summary>
    [Id(17)] public required string PickleSha256 { get; init; }

    /// <summary>When the run started waiting for a slot, while it is Pending; queue time does not count against the wall-clock limit.</summary>
    [Id(18)] public DateTimeOffset? WaitingSince { get; init; }

    public bool IsTerminal => Status is RunStatus.Success or RunStatus.Failed or RunStatus.Error;
}
