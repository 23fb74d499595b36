using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Data;
using ModelUploads.Hosting;

namespace ModelUploads.Rounds;

/// <summary>
/// Stages the validation data in chunks of whole eras, so a validation run
/// feeds the model one chunk at a time within the sandbox's memory limit.
/// </summary>
internal sealed partial class ValidationDataGrain(
    [PersistentState("validation", StorageNames.Grains)] IPersistentState<ValidationDataState> state,
    IOptions<StorageOptions> storage,
    IOptions<RoundOptions> rounds,
    [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<ValidationDataGrain> logger) : Grain, IValidationDataGrain
{
    public Task<ValidationDataInfo?> GetAsync() => Task.FromResult(state.State.Current);

    public async Task<ValidationDataInfo> SetAsync(string validationParquetPath)
    {
        DatasetFiles.EnsureExists(validationParquetPath, "validation");
        var sha256 = await StagedFeatures.Sha256Async(validationParquetPath, CancellationToken.None);
        if (state.State.Current is { } current && current.Sha256 == sha256 && Directory.Exists(current.StagedDirectory))
        {
            return current;
        }

        var table = SortedByEra(await DatasetFiles.ReadAsync(validationParquetPath, "validation"));

        // A folder per content, so runs that still read the previous data keep their files.
        var directory = Path.Combine(storage.Value.Root, "validation", sha256);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        var chunks = StagedFeatures.WriteChunks(table, directory, rounds.Value.ValidationRowsPerChunk);
        var info = new ValidationDataInfo(
            sha256, table.RowCount, table.Eras.Distinct(StringComparer.Ordinal).Count(), table.FeatureCount, chunks.Count, directory, time.GetUtcNow());
        state.State.Current = info;

        await state.WriteStateAsync();

        LogStaged(logger, validationParquetPath, info.Rows, info.Eras, info.Chunks);
        return info;
    }

    /// <summary>Orders rows by era, keeping the file's order within an era, so every chunk contains whole eras.</summary>
    private static FeatureTable SortedByEra(FeatureTable table)
    {
        var order = Enumerable.Range(0, table.RowCount).OrderBy(i => table.Eras[i], StringComparer.Ordinal).ToArray();
        if (order.Select((row, position) => row == position).All(same => same))
        {
            return table;
        }

        var values = new float[table.Values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            table.Values.AsSpan(order[i] * table.FeatureCount, table.FeatureCount).CopyTo(values.AsSpan(i * table.FeatureCount));
        }

        return new FeatureTable(
            order.Select(i => table.Ids[i]).ToArray(),
            order.Select(i => table.Eras[i]).ToArray(),
            order.Select(i => table.DataTypes[i]).ToArray(),
            table.FeatureNames,
            values,
            table.Targets.ToDictionary(t => t.Key, t => order.Select(i => t.Value[i]).ToArray()));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Staged validation data {ValidationFile}: {Rows} rows in {Eras} eras, {Chunks} chunks")]
    private static partial void LogStaged(ILogger logger, string validationFile, int rows, int eras, int chunks);
}
