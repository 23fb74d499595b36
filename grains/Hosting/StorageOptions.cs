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

    /// <summary>How often the store sweep looks for files that a crash left without an owner.</summary>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The sweep leaves younger files alone, since a request may still be writing or recording them.</summary>
    public TimeSpan SweepMinimumAge { get; set; } = TimeSpan.FromHours(1);
}
