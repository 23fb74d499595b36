namespace ModelUploads.Runs;

/// <summary>
/// A run's persisted state. The silo writes it before each side effect it
/// records, so a restarted silo can find the container to look for.
/// </summary>
[GenerateSerializer, Alias("ModelUploads.RunState")]
public sealed class RunState
{
    [Id(0)] public RunRequest? Request { get; set; }
    [Id(1)] public RunStatus Status { get; set; }
    [Id(2)] public FailureReason Reason { get; set; }
    [Id(3)] public string Description { get; set; } = "";
    [Id(4)] public List<StatusChange> History { get; set; } = [];

    /// <summary>One-based attempt number; a new attempt follows each Error while attempts remain.</summary>
    [Id(5)] public int Attempt { get; set; }

    /// <summary>The current attempt's container name, set before the container is created.</summary>
    [Id(6)] public string? ContainerName { get; set; }
    [Id(7)] public string? ContainerId { get; set; }

    /// <summary>The engine that runs the container, so any silo can reach it.</summary>
    [Id(8)] public string? EngineEndpoint { get; set; }

    /// <summary>When the engine started the container; the wall-clock limit counts from here.</summary>
    [Id(9)] public DateTimeOffset? ContainerStartedAt { get; set; }

    /// <summary>Set before the silo kills a container that ran past the wall-clock limit.</summary>
    [Id(10)] public bool KilledForTimeout { get; set; }

    /// <summary>The earliest time the next attempt may take a slot.</summary>
    [Id(11)] public DateTimeOffset? NotBefore { get; set; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(13)] public SubmissionInfo? Submission { get; set; }
    [Id(14)] public long? PeakMemoryBytes { get; set; }

    /// <summary>Whether the model grain has recorded the terminal status.</summary>
    [Id(15)] public bool ModelNotified { get; set; }
    [Id(16)] public TimeSpan? Elapsed { get; set; }

    /// <summary>The diagnostics of a successful validation run.</summary>
    [Id(17)] public ValidationDiagnostics? Diagnostics { get; set; }

    /// <summary>Set before the silo kills a container whose /output grew past the output limit.</summary>
    [Id(18)] public bool KilledForOutput { get; set; }
}
