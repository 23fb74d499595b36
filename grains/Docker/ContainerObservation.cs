namespace ModelUploads.Docker;

/// <summary>What the engine reports about a container at one moment.</summary>
internal sealed record ContainerObservation(
    string Id,
    bool Running,
    long ExitCode,
    bool OomKilled,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error);
