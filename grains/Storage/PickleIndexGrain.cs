using ModelUploads.Hosting;

namespace ModelUploads.Storage;

/// <summary>Keeps <see cref="PickleIndexState"/>: for each pickle digest, the models that refer to it.</summary>
internal sealed class PickleIndexGrain(
    [PersistentState("pickle-index", StorageNames.Grains)] IPersistentState<PickleIndexState> state) : Grain, IPickleIndexGrain
{
    public async Task AddAsync(string sha256, string modelId)
    {
        if (!state.State.ModelsByPickle.TryGetValue(sha256, out var models))
        {
            models = new HashSet<string>(StringComparer.Ordinal);
            state.State.ModelsByPickle[sha256] = models;
        }

        if (models.Add(modelId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string sha256, string modelId)
    {
        if (state.State.ModelsByPickle.TryGetValue(sha256, out var models) && models.Remove(modelId))
        {
            if (models.Count == 0)
            {
                state.State.ModelsByPickle.Remove(sha256);
            }

            await state.WriteStateAsync();
        }
    }

    public Task<bool> IsReferencedAsync(string sha256) => Task.FromResult(state.State.ModelsByPickle.ContainsKey(sha256));

    public Task<IReadOnlyList<string>> ListModelIdsAsync()
    {
        // A model that is replacing its upload refers to both pickles for a moment, so the ids are deduplicated.
        IReadOnlyList<string> modelIds = state.State.ModelsByPickle.Values
            .SelectMany(models => models)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult(modelIds);
    }
}
