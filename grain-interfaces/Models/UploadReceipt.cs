namespace ModelUploads.Models;

/// <summary>
/// What an accepted upload started: the live run (none when no round is open) and the
/// validation run for diagnostics (none when no validation data is staged).
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.UploadReceipt")]
public sealed record UploadReceipt(
    [property: Id(0)] ModelSnapshot Model,
    [property: Id(1)] string? LiveRunId,
    [property: Id(2)] int? Round,
    [property: Id(3)] string? ValidationRunId);
