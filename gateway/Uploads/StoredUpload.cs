namespace ModelUploads.Gateway.Uploads;

/// <summary>A pickle moved into the content-addressed store, and whether this upload created the file.</summary>
internal sealed record StoredUpload(string Path, string Sha256, long SizeBytes, bool CreatedFile);
