namespace ModelUploads.Storage;

/// <summary>
/// Where the gateway and the silo put files under the shared storage root. Both
/// sides use these paths, so they must run on hosts that see the same folder.
/// </summary>
public static class StoreLayout
{
    /// <summary>Path of a pickle in the content-addressed store, by its SHA-256 hex digest.</summary>
    public static string PicklePath(string root, string sha256) =>
        Path.Combine(root, "pickles", sha256[..2], sha256);

    /// <summary>Folder where uploads are written before they are renamed to their digest.</summary>
    public static string UploadTempDirectory(string root) => Path.Combine(root, "pickles", "incoming");
}
