using ModelUploads.Runs;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>A model's current upload with the statuses of its runs, as numerapi reads it.</summary>
internal sealed record ComputePickleUpload(
    string Filename, string? ValidationStatus, string? TriggerStatus, IReadOnlyList<RunSnapshot> Triggers);
