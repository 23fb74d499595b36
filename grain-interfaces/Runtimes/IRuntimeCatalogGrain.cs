namespace ModelUploads.Runtimes;

/// <summary>The runtimes this silo can run; a stateless worker, key 0.</summary>
[Alias("ModelUploads.IRuntimeCatalogGrain")]
public interface IRuntimeCatalogGrain : IGrainWithIntegerKey
{
    [Alias("List")]
    Task<IReadOnlyList<RuntimeInfo>> ListAsync();

    /// <summary>
    /// Returns the runtime's image archive, starting to write it in the background when
    /// it does not exist yet; raises not-found for an unknown Python version.
    /// </summary>
    [Alias("ExportImage")]
    Task<RuntimeArchive> ExportImageAsync(string pythonVersion);
}
