using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Data;
using ModelUploads.Hosting;
using ModelUploads.Models;
using ModelUploads.Storage;

namespace ModelUploads.Rounds;

/// <summary>
/// Opens rounds: it reads a live file in Numerai's parquet layout, stages its
/// features in the form the sandbox reads, records the round and notifies every
/// model with an upload. A reminder opens the next round from the data folder
/// when the schedule makes it due.
/// </summary>
internal sealed partial class RoundsGrain(
    [PersistentState("rounds", StorageNames.Grains)] IPersistentState<RoundsState> state,
    IOptions<StorageOptions> storage,
    IOptions<RoundOptions> rounds,
    [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<RoundsGrain> logger) : Grain, IRoundsGrain, IRemindable
{
    private const string ScheduleReminder = "round-schedule";

    public Task<RoundInfo?> GetCurrentAsync()
    {
        var now = time.GetUtcNow();
        var latest = state.State.Rounds.LastOrDefault();
        return Task.FromResult(latest is not null && latest.ClosesAt > now ? latest : null);
    }

    public Task<RoundInfo?> GetAsync(int number) =>
        Task.FromResult(state.State.Rounds.FirstOrDefault(r => r.Number == number));

    public Task<DateTimeOffset?> GetNextOpenTimeAsync() =>
        Task.FromResult(rounds.Value.DataFolder.Length == 0 ? null : (DateTimeOffset?)NextScheduledOpening());

    public async Task EnsureScheduledAsync()
    {
        if (rounds.Value.DataFolder.Length == 0)
        {
            return;
        }

        if (state.State.ScheduleStartedAt is null)
        {
            state.State.ScheduleStartedAt = time.GetUtcNow();

            await state.WriteStateAsync();
        }

        await this.RegisterOrUpdateReminder(ScheduleReminder, rounds.Value.SchedulerPeriod, rounds.Value.SchedulerPeriod);
        var nextOpening = NextScheduledOpening();
        LogScheduled(logger, nextOpening, rounds.Value.DataFolder);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (rounds.Value.DataFolder.Length == 0 || time.GetUtcNow() < NextScheduledOpening())
        {
            return;
        }

        try
        {
            await OpenAsync(null);
        }
        catch (Errors.ModelUploadsException exception)
        {
            // No live file yet, or an unreadable one: the next tick tries again.
            LogScheduledOpenFailed(logger, exception, rounds.Value.DataFolder);
        }
    }

    public async Task<RoundInfo> OpenAsync(string? liveParquetPath)
    {
        var number = (state.State.Rounds.LastOrDefault()?.Number ?? 0) + 1;
        liveParquetPath ??= LiveFileFromDataFolder(number);
        var table = await DatasetFiles.ReadAsync(liveParquetPath, "live");

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
        await NotifyModelsAsync(number);
        return round;
    }

    /// <summary>
    /// Sends every model with an upload a one-way notification, so its live run starts now
    /// instead of at its next reminder tick. No error here fails the opening, because the
    /// round is already stored and each model's reminder starts a run that a lost
    /// notification did not.
    /// </summary>
    private async Task NotifyModelsAsync(int round)
    {
        IReadOnlyList<string> modelIds;
        try
        {
            modelIds = await GrainFactory.GetGrain<IPickleIndexGrain>(0).ListModelIdsAsync();
        }
        catch (Exception exception)
        {
            LogListModelsFailed(logger, exception, round);
            return;
        }

        LogNotifyingModels(logger, round, modelIds.Count);
        foreach (var modelId in modelIds)
        {
            try
            {
                // A one-way call completes once the message is sent, so this does not wait for the model.
                await GrainFactory.GetGrain<IModelGrain>(modelId).OnRoundOpenedAsync(round);
            }
            catch (Exception exception)
            {
                LogNotifyModelFailed(logger, exception, modelId, round);
            }
        }
    }

    /// <summary>The first scheduled opening after the latest round opened, or after the schedule started.</summary>
    private DateTimeOffset NextScheduledOpening()
    {
        var after = state.State.Rounds.LastOrDefault()?.OpenedAt + TimeSpan.FromTicks(1)
            ?? state.State.ScheduleStartedAt
            ?? time.GetUtcNow();
        return rounds.Value.NextOpeningAtOrAfter(after);
    }

    private string LiveFileFromDataFolder(int round)
    {
        var folder = rounds.Value.DataFolder;
        if (folder.Length == 0)
        {
            throw new Errors.ModelUploadsException(
                Errors.ProblemKind.Invalid,
                "Missing live file",
                "No live file was given and the setting Rounds:DataFolder is empty; send the path of a live.parquet file.");
        }

        var numbered = Path.Combine(folder, $"live_{round}.parquet");
        return File.Exists(numbered) ? numbered : Path.Combine(folder, "live.parquet");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rounds open on schedule from {DataFolder}; the next opens at {NextOpening}")]
    private static partial void LogScheduled(ILogger logger, DateTimeOffset nextOpening, string dataFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled round could not open from {DataFolder}; the next tick tries again")]
    private static partial void LogScheduledOpenFailed(ILogger logger, Exception exception, string dataFolder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened round {Round} with {Rows} live rows and {Features} features from {LiveFile}")]
    private static partial void LogOpened(ILogger logger, int round, int rows, int features, string liveFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifying {Models} models with an upload that round {Round} opened")]
    private static partial void LogNotifyingModels(ILogger logger, int round, int models);

    [LoggerMessage(Level = LogLevel.Error, Message = "Round {Round} opened, but listing the models with an upload failed, so their reminders start the runs")]
    private static partial void LogListModelsFailed(ILogger logger, Exception exception, int round);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to notify model {ModelId} that round {Round} opened, so its reminder starts the run")]
    private static partial void LogNotifyModelFailed(ILogger logger, Exception exception, string modelId, int round);
}
