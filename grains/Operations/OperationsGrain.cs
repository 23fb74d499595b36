using Microsoft.Extensions.Logging;
using ModelUploads.Hosting;

namespace ModelUploads.Operations;

/// <summary>Keeps the list of runs that the platform, not the model, failed for good.</summary>
internal sealed partial class OperationsGrain(
    [PersistentState("operations", StorageNames.Grains)] IPersistentState<OperationsState> state,
    ILogger<OperationsGrain> logger) : Grain, IOperationsGrain
{
    /// <summary>How many failures the list keeps; older ones stay in the runs' own records and logs.</summary>
    private const int MaxKept = 1000;

    public async Task RecordPlatformFailureAsync(PlatformFailure failure)
    {
        var failures = state.State.PlatformFailures;
        if (failures.Exists(f => f.RunId == failure.RunId))
        {
            return;
        }

        failures.Add(failure);
        if (failures.Count > MaxKept)
        {
            failures.RemoveRange(0, failures.Count - MaxKept);
        }

        await state.WriteStateAsync();

        LogRecorded(logger, failure.RunId, failure.ModelId, failure.Round, failure.Cause);
    }

    public Task<IReadOnlyList<PlatformFailure>> ListPlatformFailuresAsync() =>
        Task.FromResult<IReadOnlyList<PlatformFailure>>(state.State.PlatformFailures.AsEnumerable().Reverse().ToArray());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of model {ModelId} for round {Round} failed for good on the platform's side: {Cause}")]
    private static partial void LogRecorded(ILogger logger, string runId, string modelId, int round, string cause);
}
