namespace ModelUploads.Gateway.Uploads;

/// <summary>An upload written to a temporary file, with its digest, size and the bytes the header check reads.</summary>
internal sealed record StagedUpload(string TemporaryPath, string Sha256, long SizeBytes, byte[] Head, byte Last);
