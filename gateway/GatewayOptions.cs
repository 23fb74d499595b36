namespace ModelUploads.Gateway;

/// <summary>
/// The gateway's settings. It reads the same "Storage" section as the silo,
/// because both must use one storage root.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Storage";

    /// <summary>Root of the content-addressed pickle store, shared with the silos.</summary>
    public string Root { get; set; } = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Largest pickle an upload may send.</summary>
    public long MaxPickleBytes { get; set; } = 1024L * 1024 * 1024;
}
