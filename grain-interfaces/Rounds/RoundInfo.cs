namespace ModelUploads.Rounds;

/// <summary>A tournament round and where its staged live features are.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RoundInfo")]
public sealed record RoundInfo(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] DateTimeOffset ClosesAt,
    [property: Id(3)] string LiveFileSha256,
    [property: Id(4)] int Rows,
    [property: Id(5)] int FeatureCount,
    [property: Id(6)] string StagedDirectory);
