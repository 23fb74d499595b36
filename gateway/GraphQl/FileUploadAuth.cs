namespace ModelUploads.Gateway.GraphQl;

/// <summary>The file name to pass to createComputePickleUpload and the one-time address to PUT the file to.</summary>
internal sealed record FileUploadAuth(string Filename, string Url);
