using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Data;
using ModelUploads.Errors;
using ModelUploads.Hosting;
using ModelUploads.Rounds;
using ModelUploads.Runs;
using ModelUploads.Runtimes;
using ModelUploads.Storage;

namespace ModelUploads.Models;

/// <summary>
/// One model. It enforces the upload rules, starts a live run for the open
/// round when a pickle is uploaded, and starts one live run for each round that
/// opens later unless an administrator disabled the model. The rounds grain
/// notifies the model when a round opens, and the model's reminder starts the
/// run when that notification was lost or the start failed.
/// </summary>
internal sealed partial class ModelGrain : Grain, IModelGrain, IRemindable
{
    private const string RoundReminder = "round-check";
    private const int MaxNameLength = 100;
    private const int MaxReasonLength = 500;

    private readonly IPersistentState<ModelState> _state;
    private readonly RuntimeCatalog _runtimes;
    private readonly RoundOptions _rounds;
    private readonly StorageOptions _storage;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelGrain> _logger;

    public ModelGrain(
        [PersistentState("model", StorageNames.Grains)] IPersistentState<ModelState> state,
        RuntimeCatalog runtimes,
        IOptions<RoundOptions> rounds,
        IOptions<StorageOptions> storage,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time,
        ILogger<ModelGrain> logger)
    {
        _state = state;
        _runtimes = runtimes;
        _rounds = rounds.Value;
        _storage = storage.Value;
        _time = time;
        _logger = logger;
    }

    private ModelState State => _state.State;

    private string ModelId => this.GetPrimaryKeyString();

    public async Task<ModelSnapshot> CreateAsync(string name, string owner)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Invalid model name",
                $"The model name '{trimmed}' must have 1 to {MaxNameLength} characters.");
        }

        if (State.Created)
        {
            throw new ModelUploadsException(ProblemKind.Conflict, "Model exists", $"A model with the id '{ModelId}' already exists.");
        }

        State.Created = true;
        State.Name = trimmed;
        State.Owner = owner;
        State.CreatedAt = _time.GetUtcNow();

        await PersistAsync();

        LogCreated(_logger, ModelId, trimmed);
        return Snapshot();
    }

    public Task<ModelSnapshot> GetAsync()
    {
        EnsureCreated();
        return Task.FromResult(Snapshot());
    }

    public async Task CheckUploadAllowedAsync(string pythonVersion, IReadOnlyList<string> modules)
    {
        EnsureCreated();
        EnsureEnabled();
        if (State.ComputeEnabled)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "Compute is enabled",
                $"Model '{State.Name}' has its compute configuration enabled, so it cannot take an upload. "
                + $"Disable it first with PUT /api/models/{ModelId}/compute and {{\"enabled\": false}}, then upload again.");
        }

        var runtimes = await _runtimes.ListAsync(CancellationToken.None);
        var runtime = runtimes.FirstOrDefault(r => r.PythonVersion == pythonVersion);
        if (runtime is null)
        {
            var available = runtimes.Count == 0 ? "none (no runtime image is built)" : string.Join(", ", runtimes.Select(r => r.PythonVersion));
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Unknown Python version",
                $"Python version '{pythonVersion}' is not available. Available versions: {available}. "
                + "Upload the pickle with the version it was made with.");
        }

        var importable = runtime.Modules.ToHashSet(StringComparer.Ordinal);
        var missing = modules.Where(m => !importable.Contains(m)).ToArray();
        if (missing.Length > 0)
        {
            var libraries = string.Join(", ", runtime.Libraries.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} {l.Value}"));
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Missing module",
                $"The pickle references the module{(missing.Length == 1 ? "" : "s")} {string.Join(", ", missing.Select(m => $"'{m}'"))}, "
                + $"which the Python {runtime.FullPythonVersion} runtime does not have. It has: {libraries}. "
                + "Use only these libraries, or choose a runtime that has the module.");
        }
    }

    public async Task<UploadReceipt> SetUploadAsync(PickleReference pickle)
    {
        await CheckUploadAllowedAsync(pickle.PythonVersion, pickle.Modules);

        // The index learns of the file first, so a crash in between leaves an index entry too many, never a swept file.
        var previous = State.Upload;
        await GrainFactory.GetGrain<IPickleIndexGrain>(0).AddAsync(pickle.Sha256, ModelId);
        State.Upload = pickle;

        await PersistAsync();

        if (previous is not null && previous.Sha256 != pickle.Sha256)
        {
            await GrainFactory.GetGrain<IPickleIndexGrain>(0).RemoveAsync(previous.Sha256, ModelId);
        }

        LogUploaded(_logger, ModelId, pickle.Sha256, pickle.SizeBytes, pickle.PythonVersion);
        await this.RegisterOrUpdateReminder(RoundReminder, _rounds.ModelCheckPeriod, _rounds.ModelCheckPeriod);

        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetCurrentAsync();
        var liveRunId = round is null ? null : await StartLiveRunAsync(round.Number);
        var validationRunId = await StartValidationRunAsync(round?.Number ?? 0);
        return new UploadReceipt(Snapshot(), liveRunId, round?.Number, validationRunId);
    }

    public async Task<ModelSnapshot> RemoveUploadAsync()
    {
        EnsureCreated();
        if (State.Upload is null)
        {
            throw new ModelUploadsException(ProblemKind.NotFound, "No upload", $"Model '{State.Name}' has no uploaded pickle to remove.");
        }

        var removed = State.Upload;
        State.Upload = null;

        await PersistAsync();

        await GrainFactory.GetGrain<IPickleIndexGrain>(0).RemoveAsync(removed.Sha256, ModelId);

        var reminder = await this.GetReminder(RoundReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        LogUploadRemoved(_logger, ModelId);
        return Snapshot();
    }

    public async Task<ModelSnapshot> SetComputeEnabledAsync(bool enabled)
    {
        EnsureCreated();
        if (enabled && State.Upload is not null)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "Model has an upload",
                $"Model '{State.Name}' runs an uploaded pickle, so its compute configuration cannot be enabled. "
                + $"Remove the upload first with DELETE /api/models/{ModelId}/upload.");
        }

        State.ComputeEnabled = enabled;

        await PersistAsync();

        return Snapshot();
    }

    public async Task<string> TriggerAsync()
    {
        EnsureCreated();
        EnsureEnabled();
        if (State.Upload is null)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "No upload",
                $"Model '{State.Name}' has no uploaded pickle to run. Upload one with POST /api/models/{ModelId}/upload.");
        }

        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetCurrentAsync()
            ?? throw new ModelUploadsException(ProblemKind.Conflict, "No round is open", "No round is open, so there is nothing to run the model for. Wait for the next round to open.");

        if (State.LiveRunByRound.TryGetValue(round.Number, out var existing))
        {
            var run = await GrainFactory.GetGrain<IRunGrain>(existing).GetAsync();
            if (run is { IsTerminal: false })
            {
                throw new ModelUploadsException(
                    ProblemKind.Conflict,
                    "Run in progress",
                    $"Run '{existing}' for round {round.Number} is {run.Status}; wait for it to finish before triggering another.");
            }
        }

        return await StartLiveRunAsync(round.Number);
    }

    public async Task<SubmissionInfo> SubmitPredictionsAsync(string csvPath)
    {
        EnsureCreated();
        EnsureEnabled();
        if (State.Upload is not null)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "Model has an upload",
                $"Model '{State.Name}' submits through its uploaded pickle, so it takes no API submissions. "
                + $"Remove the upload first with DELETE /api/models/{ModelId}/upload.");
        }

        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetCurrentAsync()
            ?? throw new ModelUploadsException(ProblemKind.Conflict, "No round is open", "No round is open, so there is nothing to submit to. Wait for the next round to open.");
        var ids = StagedFeatures.ReadMetadata(round.StagedDirectory).Ids;
        var validation = PredictionValidator.ValidateCsv(csvPath, ids);
        if (!validation.IsValid)
        {
            throw new ModelUploadsException(ProblemKind.Invalid, "Invalid submission", validation.Error!);
        }

        var submissionId = $"api-{Guid.NewGuid():N}";
        var submission = await SubmissionFiles.WriteAsync(
            _storage.Root, ModelId, round.Number, submissionId, ids, validation.Values!, _time.GetUtcNow(), CancellationToken.None);
        State.Submissions[round.Number] = submission;

        await PersistAsync();

        LogSubmissionStored(_logger, ModelId, round.Number, submissionId, submission.Rows);
        return submission;
    }

    public async Task<ModelSnapshot> DisableAsync(string reason)
    {
        EnsureCreated();
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxReasonLength)
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Invalid reason",
                $"The reason for disabling model '{State.Name}' must have 1 to {MaxReasonLength} characters; "
                + "write why, so that its owner can read it.");
        }

        if (State.Disabled)
        {
            return Snapshot();
        }

        State.Disabled = true;
        State.DisabledReason = trimmed;
        State.DisabledAt = _time.GetUtcNow();

        await _state.WriteStateAsync();

        LogDisabled(_logger, ModelId, State.Owner, trimmed);
        return Snapshot();
    }

    public async Task OnRunFinishedAsync(RunSnapshot run)
    {
        if (run.Kind != RunKind.Live || run.Status != RunStatus.Success || run.Submission is null)
        {
            return;
        }

        // A round keeps the latest valid submission; a late report of an older run does not replace a newer one.
        if (State.Submissions.TryGetValue(run.Round, out var current) && current.StoredAt > run.Submission.StoredAt)
        {
            return;
        }

        State.Submissions[run.Round] = run.Submission;

        await PersistAsync();

        LogSubmissionStored(_logger, ModelId, run.Round, run.RunId, run.Submission.Rows);
    }

    public async Task OnRoundOpenedAsync(int round)
    {
        try
        {
            await StartRunForCurrentRoundAsync();
        }
        catch (Exception exception)
        {
            // The call is one-way, so only this log records the error. The reminder tries again at its next tick.
            LogRoundOpenedFailed(_logger, exception, ModelId, round);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => StartRunForCurrentRoundAsync();

    /// <summary>
    /// Starts the live run for the open round unless the model has one, or starts the
    /// recorded run when a crash left it unstarted. The grain is not reentrant, so a round's
    /// notification and the reminder run one after the other and the second finds the
    /// first one's run in <see cref="ModelState.LiveRunByRound"/>.
    /// </summary>
    private async Task StartRunForCurrentRoundAsync()
    {
        if (!State.Created || State.Upload is null)
        {
            return;
        }

        if (State.Disabled)
        {
            LogDisabledSkipsRun(_logger, ModelId);
            return;
        }

        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetCurrentAsync();
        if (round is null)
        {
            return;
        }

        if (State.LiveRunByRound.TryGetValue(round.Number, out var runId))
        {
            // A crash between recording the run and starting it leaves a run that never started.
            var run = GrainFactory.GetGrain<IRunGrain>(runId);
            if (await run.GetAsync() is null)
            {
                await run.StartAsync(NewRequest(runId, round.Number));
            }

            return;
        }

        await StartLiveRunAsync(round.Number);
    }

    private async Task<string> StartLiveRunAsync(int round)
    {
        var runId = $"run-{Guid.NewGuid():N}";
        State.LiveRunByRound[round] = runId;
        State.RunIds.Insert(0, runId);

        await PersistAsync();

        await GrainFactory.GetGrain<IRunGrain>(runId).StartAsync(NewRequest(runId, round));
        LogRunStarted(_logger, ModelId, round, runId);
        return runId;
    }

    /// <summary>Runs the upload on the validation data for diagnostics; returns null when none is staged.</summary>
    private async Task<string?> StartValidationRunAsync(int round)
    {
        if (await GrainFactory.GetGrain<IValidationDataGrain>(0).GetAsync() is null)
        {
            return null;
        }

        var runId = $"run-{Guid.NewGuid():N}";
        State.ValidationRunId = runId;
        State.RunIds.Insert(0, runId);

        await PersistAsync();

        await GrainFactory.GetGrain<IRunGrain>(runId).StartAsync(NewRequest(runId, round, RunKind.Validation));
        LogRunStarted(_logger, ModelId, round, runId);
        return runId;
    }

    private RunRequest NewRequest(string runId, int round, RunKind kind = RunKind.Live) =>
        new(runId, ModelId, round, kind, State.Upload!, _time.GetUtcNow(), State.Owner);

    /// <summary>
    /// Writes the state; when the write fails the grain deactivates, so the next call
    /// reads the stored state instead of keeping a change the database never took.
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception exception) when (exception is not Orleans.Storage.InconsistentStateException)
        {
            DeactivateOnIdle();
            LogWriteFailed(_logger, exception, ModelId);
            throw new ModelUploadsException(
                ProblemKind.Unavailable,
                "Database unavailable",
                "The platform's database is unreachable, so nothing was changed.");
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private void EnsureCreated()
    {
        if (!State.Created)
        {
            throw ModelUploadsException.NotFound("Model", ModelId);
        }
    }

    private void EnsureEnabled()
    {
        if (State.Disabled)
        {
            throw ModelUploadsException.ModelDisabled(State.Name, State.DisabledReason ?? "");
        }
    }

    private ModelSnapshot Snapshot() => new()
    {
        ModelId = ModelId,
        Name = State.Name,
        Owner = State.Owner,
        ComputeEnabled = State.ComputeEnabled,
        Upload = State.Upload,
        RunIds = State.RunIds.ToArray(),
        Submissions = new Dictionary<int, SubmissionInfo>(State.Submissions),
        CreatedAt = State.CreatedAt,
        ValidationRunId = State.ValidationRunId,
        Disabled = State.Disabled,
        DisabledReason = State.DisabledReason,
        DisabledAt = State.DisabledAt,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created model {ModelId} named {Name}")]
    private static partial void LogCreated(ILogger logger, string modelId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} took upload {Sha256} ({SizeBytes} bytes) for Python {PythonVersion}")]
    private static partial void LogUploaded(ILogger logger, string modelId, string sha256, long sizeBytes, string pythonVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {ModelId} could not store its state; it reloads the stored state on the next call")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} had its upload removed")]
    private static partial void LogUploadRemoved(ILogger logger, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} started run {RunId} for round {Round}")]
    private static partial void LogRunStarted(ILogger logger, string modelId, int round, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} of user {UserId} was disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string modelId, string userId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {ModelId} is disabled, so it starts no run for the open round")]
    private static partial void LogDisabledSkipsRun(ILogger logger, string modelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {ModelId} failed to start its run after round {Round} opened, so its reminder tries again")]
    private static partial void LogRoundOpenedFailed(ILogger logger, Exception exception, string modelId, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} stored {Rows} predictions from {RunId} as its submission for round {Round}")]
    private static partial void LogSubmissionStored(ILogger logger, string modelId, int round, string runId, int rows);
}
