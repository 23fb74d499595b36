using Orleans.Concurrency;

namespace ModelUploads.Runtimes;

/// <summary>Serves the silo's <see cref="RuntimeCatalog"/> to clients such as the gateway.</summary>
[StatelessWorker]
internal sealed class RuntimeCatalogGrain(RuntimeCatalog catalog) : Grain, IRuntimeCatalogGrain
{
    public Task<IReadOnlyList<RuntimeInfo>> ListAsync() => catalog.ListAsync(CancellationToken.None);

    public Task<RuntimeArchive> ExportImageAsync(string pythonVersion) => catalog.ExportImageAsync(pythonVersion, CancellationToken.None);
}
