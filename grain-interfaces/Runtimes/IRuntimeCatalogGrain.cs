namespace ModelUploads.Runtimes;

/// <summary>The runtimes this silo can run; a stateless worker, key 0.</summary>
[Alias("ModelUploads.IRuntimeCatalogGrain")]
public interface IRuntimeCatalogGrain : IGrainWithIntegerKey
{
    [Alias("List")]
    Task<IReadOnlyList<RuntimeInfo>> ListAsync();
}
