namespace ModelUploads.Hosting;

/// <summary>Where files live; section "Storage".</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Root of the pickle store, staged rounds, run folders and submissions. The
    /// gateway and every silo must see the same folder.
    /// </summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Largest pickle an upload may send.</summary>
    public long MaxPickleBytes { get; set; } = 1024L * 1024 * 1024;
}
