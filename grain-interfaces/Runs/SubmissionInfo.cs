namespace ModelUploads.Runs;

/// <summary>A validated set of predictions, stored as an `id,prediction` CSV file.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.SubmissionInfo")]
public sealed record SubmissionInfo(
    [property: Id(0)] int Round,
    [property: Id(1)] string RunId,
    [property: Id(2)] int Rows,
    [property: Id(3)] string Sha256,
    [property: Id(4)] string FilePath,
    [property: Id(5)] DateTimeOffset StoredAt);
