namespace ModelUploads.Rounds;

/// <summary>The validation data every upload is run on for diagnostics, staged in chunks of whole eras.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.ValidationDataInfo")]
public sealed record ValidationDataInfo(
    [property: Id(0)] string Sha256,
    [property: Id(1)] int Rows,
    [property: Id(2)] int Eras,
    [property: Id(3)] int FeatureCount,
    [property: Id(4)] int Chunks,
    [property: Id(5)] string StagedDirectory,
    [property: Id(6)] DateTimeOffset StagedAt);
