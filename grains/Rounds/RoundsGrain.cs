using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Data;
using ModelUploads.Hosting;

namespace ModelUploads.Rounds;

/// <summary>
/// Opens rounds: it reads a live file in Numerai's parquet layout, stages its
/// features in the form the sandbox reads, and records the round.
/// </summary>
internal sealed partial class RoundsGrain(
    [PersistentState("rounds", StorageNames.Grains)] IPersistentState<RoundsState> state,
    IOptions<StorageOptions> storage,
    IOptions<RoundOptions> rounds,
    TimeProvider time,
    ILogger<RoundsGrain> logger) : Grain, IRoundsGrain
{
    public Task<RoundInfo?> GetCurrentAsync()
    {
        var now = time.GetUtcNow();
        var latest = state.State.Rounds.LastOrDefault();
        return Task.FromResult(latest is not null && latest.ClosesAt > now ? latest : null);
    }

    public Task<RoundInfo?> GetAsync(int number) =>
        Task.FromResult(state.State.Rounds.FirstOrDefault(r => r.Number == number));

    public async Task<RoundInfo> OpenAsync(string liveParquetPath)
    {
        var table = await DatasetFiles.ReadAsync(liveParquetPath, "live");

        var number = (state.State.Rounds.LastOrDefault()?.Number ?? 0) + 1;
        var directory = Path.Combine(storage.Value.Root, "rounds", $"round-{number}");
        if (Directory.Exists(directory))
        {
            // Left by an earlier open of this round number that crashed before it was recorded.
            Directory.Delete(directory, recursive: true);
        }

        StagedFeatures.Write(table, directory);
        var now = time.GetUtcNow();
        var round = new RoundInfo(
            number,
            now,
            now + rounds.Value.Duration,
            await StagedFeatures.Sha256Async(liveParquetPath, CancellationToken.None),
            table.RowCount,
            table.FeatureCount,
            directory);
        state.State.Rounds.Add(round);

        await state.WriteStateAsync();

        LogOpened(logger, number, table.RowCount, table.FeatureCount, liveParquetPath);
        return round;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened round {Round} with {Rows} live rows and {Features} features from {LiveFile}")]
    private static partial void LogOpened(ILogger logger, int round, int rows, int features, string liveFile);
}
