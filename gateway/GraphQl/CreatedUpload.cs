namespace ModelUploads.Gateway.GraphQl;

/// <summary>The result of createComputePickleUpload; the id is the SHA-256 digest of the recorded pickle.</summary>
internal sealed record CreatedUpload(string Id);
