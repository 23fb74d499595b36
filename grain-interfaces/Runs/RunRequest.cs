using ModelUploads.Models;

namespace ModelUploads.Runs;

/// <summary>Everything a run grain needs to run one model once.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RunRequest")]
public sealed record RunRequest(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ModelId,
    [property: Id(2)] int Round,
    [property: Id(3)] RunKind Kind,
    [property: Id(4)] PickleReference Pickle,
    [property: Id(5)] DateTimeOffset RequestedAt,
    [property: Id(6)] string Owner);
