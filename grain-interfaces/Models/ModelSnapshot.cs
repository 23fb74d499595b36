using ModelUploads.Runs;

namespace ModelUploads.Models;

/// <summary>A model as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.ModelSnapshot")]
public sealed record ModelSnapshot
{
    [Id(0)] public required string ModelId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required bool ComputeEnabled { get; init; }
    [Id(3)] public PickleReference? Upload { get; init; }

    /// <summary>Run ids, newest first.</summary>
    [Id(4)] public required IReadOnlyList<string> RunIds { get; init; }

    /// <summary>The stored submission of each round, keyed by round number.</summary>
    [Id(5)] public required IReadOnlyDictionary<int, SubmissionInfo> Submissions { get; init; }
    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The validation run of the current upload, whose diagnostics the model shows.</summary>
    [Id(7)] public string? ValidationRunId { get; init; }

    /// <summary>The user id of the model's owner.</summary>
    [Id(8)] public required string Owner { get; init; }

    /// <summary>Whether an administrator disabled the model; a disabled model takes no uploads and starts no runs.</summary>
    [Id(9)] public bool Disabled { get; init; }

    /// <summary>Why the model was disabled, as the administrator wrote it; null while it is enabled.</summary>
    [Id(10)] public string? DisabledReason { get; init; }
    [Id(11)] public DateTimeOffset? DisabledAt { get; init; }
}
