using ModelUploads.Gateway.Uploads;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>
/// An upload address that computePickleUploadAuth issued: bound to one user and model, valid
/// until <see cref="ExpiresAt"/>, and holding the staged file once the client has PUT it.
/// </summary>
internal sealed record PendingUpload(string Token, string UserId, string ModelId, string FileName, DateTimeOffset ExpiresAt)
{
    /// <summary>The file the client PUT, not yet recorded as the model's upload; null before the PUT.</summary>
    public StagedUpload? Staged { get; init; }

    /// <summary>The top-level modules that the pickle's opcodes import, read at the PUT.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];
}
