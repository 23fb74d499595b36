using ModelUploads.Runs;

namespace ModelUploads.Models;

/// <summary>A model's persisted state.</summary>
[GenerateSerializer, Alias("ModelUploads.ModelState")]
public sealed class ModelState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public bool ComputeEnabled { get; set; }
    [Id(3)] public PickleReference? Upload { get; set; }

    /// <summary>Run ids, newest first.</summary>
    [Id(4)] public List<string> RunIds { get; set; } = [];

    /// <summary>The latest valid submission of each round.</summary>
    [Id(5)] public Dictionary<int, SubmissionInfo> Submissions { get; set; } = [];

    /// <summary>The live run started for each round, so each round gets one run unless triggered again.</summary>
    [Id(6)] public Dictionary<int, string> LiveRunByRound { get; set; } = [];
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The validation run started for the current upload.</summary>
    [Id(8)] public string? ValidationRunId { get; set; }

    /// <summary>The owner's user id; the run queue shares slots fairly between owners.</summary>
    [Id(9)] public string Owner { get; set; } = "";

    /// <summary>Whether an administrator disabled the model.</summary>
    [Id(10)] public bool Disabled { get; set; }
    [Id(11)] public string? DisabledReason { get; set; }
    [Id(12)] public DateTimeOffset? DisabledAt { get; set; }
}
