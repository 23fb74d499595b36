namespace ModelUploads.Runs;

/// <summary>One entry of a run's status timeline.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] RunStatus Status,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Description);
