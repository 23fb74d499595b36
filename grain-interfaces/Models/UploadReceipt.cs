namespace ModelUploads.Models;

/// <summary>What an accepted upload started: the live run, or none when no round is open.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.UploadReceipt")]
public sealed record UploadReceipt(
    [property: Id(0)] ModelSnapshot Model,
    [property: Id(1)] string? LiveRunId,
    [property: Id(2)] int? Round);
