namespace ModelUploads.Storage;

/// <summary>
/// Which stored pickles a model refers to, so a sweep can remove files that no
/// model refers to; a single grain, key 0.
/// </summary>
[Alias("ModelUploads.IPickleIndexGrain")]
public interface IPickleIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Records that the model refers to the pickle. A model records it before it keeps the upload.</summary>
    [Alias("Add")]
    Task AddAsync(string sha256, string modelId);

    /// <summary>Records that the model no longer refers to the pickle.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string sha256, string modelId);

    /// <summary>Returns whether any model refers to the pickle.</summary>
    [Alias("IsReferenced")]
    Task<bool> IsReferencedAsync(string sha256);
}
