using ModelUploads.Runs;

namespace ModelUploads.Operations;

/// <summary>A run that ended in Error after its last attempt, for the operators to look at.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.PlatformFailure")]
public sealed record PlatformFailure(
    [property: Id(0)] string RunId,
    [property: Id(1)] string ModelId,
    [property: Id(2)] int Round,
    [property: Id(3)] RunKind Kind,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string Cause,
    [property: Id(6)] DateTimeOffset FailedAt);
