namespace ModelUploads.Storage;

/// <summary>
/// The index of the stored pickles each model refers to, so a sweep can remove files
/// that no model refers to and an opening round can reach every model with an upload.
/// A single grain, key 0.
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

    /// <summary>
    /// Returns the ids of the models that refer to any pickle, in ordinal order. A crash
    /// between the index write and the model's own write can leave a model listed that
    /// has no upload, so a caller checks the model itself.
    /// </summary>
    [Alias("ListModelIds")]
    Task<IReadOnlyList<string>> ListModelIdsAsync();
}
