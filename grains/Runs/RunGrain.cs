using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelUploads.Data;
using ModelUploads.Diagnostics;
using ModelUploads.Docker;
using ModelUploads.Hosting;
using ModelUploads.Models;
using ModelUploads.Operations;
using ModelUploads.Rounds;
using ModelUploads.Runtimes;

namespace ModelUploads.Runs;

/// <summary>
/// Drives one run through Pending, Running and Validating to Success, Failed or
/// Error. No grain call waits for the container: a grain timer takes one step at
/// a time, and a reminder kept while the run is in progress reactivates the run
/// on another silo when this one dies. On activation the run reconciles with the
/// engine: a running container is adopted, an exited one has its result
/// collected, and a vanished one costs an attempt. Two events make the timer fire
/// at once instead of a poll interval later: the container's exit, seen through
/// the engine's wait endpoint, and a sandbox slot freeing while the run is first
/// in the queue. The timer's step stays the only code that changes the state.
/// </summary>
internal sealed partial class RunGrain : Grain, IRunGrain, IRemindable
{
    private const string KeepAliveReminder = "run-keepalive";

    private readonly IPersistentState<RunState> _state;
    private readonly SandboxEngine _engine;
    private readonly ContainerLogFollower _logs;
    private readonly SandboxSlots _slots;
    private readonly RuntimeCatalog _runtimes;
    private readonly SandboxOptions _sandbox;
    private readonly StorageOptions _storage;
    private readonly TimeProvider _time;
    private readonly ILogger<RunGrain> _logger;
    private IGrainTimer? _timer;
    private ExitWait? _exitWait;
    private Action? _slotWake;
    private int? _queuePosition;
    private DateTimeOffset? _engineUnreachableSince;

    public RunGrain(
        [PersistentState("run", StorageNames.Grains)] IPersistentState<RunState> state,
        SandboxEngine engine,
        ContainerLogFollower logs,
        SandboxSlots slots,
        RuntimeCatalog runtimes,
        IOptions<SandboxOptions> sandbox,
        IOptions<StorageOptions> storage,
        [FromKeyedServices(DomainClock.Key)] TimeProvider time,
        ILogger<RunGrain> logger)
    {
        _state = state;
        _engine = engine;
        _logs = logs;
        _slots = slots;
        _runtimes = runtimes;
        _sandbox = sandbox.Value;
        _storage = storage.Value;
        _time = time;
        _logger = logger;
    }

    private RunState State => _state.State;

    private string RunId => this.GetPrimaryKeyString();

    private RunWorkspace Workspace => new(_storage.Root, RunId);

    private bool InProgress => State.Request is not null && !IsTerminal(State.Status);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Request is not null && (InProgress || !State.ModelNotified))
        {
            LogResumed(_logger, RunId, State.Request.ModelId, State.Request.Round, State.Status, State.ContainerName);
            if (State.Status == RunStatus.Running)
            {
                // The container keeps its slot across the restart: it is still running the model.
                _slots.Adopt(RunId, State.Request.Owner);
            }

            StartTimer();
            if (State.Status == RunStatus.Running && State.ContainerName is { } container)
            {
                WatchForExit(container);
            }
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopWatchingForExit();
        return Task.CompletedTask;
    }

    public async Task<RunSnapshot> StartAsync(RunRequest request)
    {
        if (State.Request is not null)
        {
            return Snapshot();
        }

        if (request.RunId != RunId)
        {
            throw new ArgumentException($"The request names run '{request.RunId}' but was sent to run '{RunId}'.", nameof(request));
        }

        State.Request = request;
        State.Attempt = 1;
        Transition(RunStatus.Pending, $"Waiting for a sandbox slot (attempt 1 of {_sandbox.MaxAttempts}).");

        await _state.WriteStateAsync();

        await this.RegisterOrUpdateReminder(KeepAliveReminder, _sandbox.KeepAlivePeriod, _sandbox.KeepAlivePeriod);
        LogQueued(_logger, RunId, request.ModelId, request.Round, request.Kind);
        StartTimer();
        return Snapshot();
    }

    public Task<RunSnapshot?> GetAsync() => Task.FromResult(State.Request is null ? null : Snapshot());

    public async Task<string?> GetLogAsync()
    {
        if (State.Request is null)
        {
            return null;
        }

        var log = Workspace.ReadLog() ?? "";
        if (State.Status == RunStatus.Running && State.ContainerName is { } container)
        {
            var live = await _engine.ReadLogsAsync(container, _sandbox.LogLimitBytes, CancellationToken.None);
            log += $"----- container {container}, attempt {State.Attempt}, still running -----\n{live}";
        }

        return log;
    }

    public Task WakeAsync()
    {
        // A grain call runs on this activation's scheduler, so changing the timer here cannot race its tick.
        TickNow();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder exists to reactivate the run after a silo dies; activation restarts the timer.
        if (InProgress || (State.Request is not null && !State.ModelNotified))
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    private void StartTimer()
    {
        _timer ??= this.RegisterGrainTimer(
            TickAsync,
            new GrainTimerCreationOptions(TimeSpan.Zero, _sandbox.PollInterval) { Interleave = false, KeepAlive = true });
    }

    /// <summary>
    /// Makes the timer fire now and then every poll interval. Call it only on this activation's
    /// scheduler. The GrainTimer.Change of Orleans 10.4.2 takes a lock, but <see cref="IGrainTimer"/>
    /// does not promise thread safety, and Orleans 10.0 to 10.2 changed the timer's fields without one.
    /// </summary>
    private void TickNow() => _timer?.Change(TimeSpan.Zero, _sandbox.PollInterval);

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            switch (State.Status)
            {
                case RunStatus.Pending:
                    await TryStartContainerAsync(cancellationToken);
                    break;
                case RunStatus.Running:
                    await WatchContainerAsync(cancellationToken);
                    break;
                case RunStatus.Validating:
                    await ValidateAsync(cancellationToken);
                    break;
                default:
                    await CompleteAsync();
                    break;
            }
        }
        catch (Exception exception) when (IsEngineUnreachable(exception))
        {
            // An engine that restarts is unreachable for a while; the step waits for it before it costs an attempt.
            var now = _time.GetUtcNow();
            _engineUnreachableSince ??= now;
            LogEngineUnreachable(_logger, exception, RunId, State.Request?.ModelId, State.Request?.Round, State.ContainerName, _engineUnreachableSince.Value);
            if (now - _engineUnreachableSince.Value >= _sandbox.EngineOutageGrace)
            {
                _engineUnreachableSince = null;
                await EndAttemptWithErrorAsync(
                    $"The Docker engine at {_engine.Endpoint} was unreachable for over {FailureClassifier.FormatDuration(_sandbox.EngineOutageGrace)}: {exception.Message}. This is a platform error, not the model's.",
                    cancellationToken);
            }

            return;
        }
        catch (DockerApiException exception)
        {
            LogEngineFault(_logger, exception, RunId, State.Request?.ModelId, State.Request?.Round, State.ContainerName);
            await EndAttemptWithErrorAsync(
                $"The Docker engine at {_engine.Endpoint} failed: {exception.Message}. This is a platform error, not the model's.",
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A storage fault leaves the state in memory ahead of the database, so the grain
            // deactivates; its reminder activates it again from the stored state.
            LogStepFailed(_logger, exception, RunId, State.Request?.ModelId, State.Request?.Round, State.Status);
            _timer?.Dispose();
            _timer = null;
            DeactivateOnIdle();
            return;
        }

        _engineUnreachableSince = null;
    }

    private async Task TryStartContainerAsync(CancellationToken cancellationToken)
    {
        var request = State.Request!;
        if (State.NotBefore is { } notBefore && _time.GetUtcNow() < notBefore)
        {
            return;
        }

        if (!_slots.TryAcquire(RunId, request.Owner, _slotWake ??= CreateSlotWake(), out var position))
        {
            _queuePosition = position;
            return;
        }

        _queuePosition = null;
        var runtime = await _runtimes.FindAsync(request.Pickle.PythonVersion, cancellationToken);
        if (runtime is null)
        {
            await EndAttemptWithErrorAsync(
                $"The runtime image for Python {request.Pickle.PythonVersion} is missing on this silo. This is a platform error; the operator must build it.",
                cancellationToken);
            return;
        }

        var inputs = await InputMountsAsync(request);
        if (inputs is null)
        {
            var missing = request.Kind == RunKind.Live ? $"Round {request.Round} has no staged live features" : "No validation data is staged";
            await EndAttemptWithErrorAsync($"{missing}. This is a platform error.", cancellationToken);
            return;
        }

        var picklePath = Workspace.PicklePath(request.Pickle.Sha256);
        var pickleProblem = await CheckPickleFileAsync(picklePath, request.Pickle.Sha256, cancellationToken);
        if (pickleProblem is not null)
        {
            await EndAttemptWithErrorAsync(pickleProblem, cancellationToken);
            return;
        }

        State.ContainerName = $"modeluploads-{RunId}-{State.Attempt}";
        State.ContainerId = null;
        State.ContainerStartedAt = null;
        State.KilledForTimeout = false;
        State.KilledForOutput = false;
        State.EngineEndpoint = _engine.Endpoint;
        Transition(RunStatus.Running, $"Starting sandbox container {State.ContainerName} with Python {runtime.FullPythonVersion}.");

        await _state.WriteStateAsync(cancellationToken);

        var output = Workspace.PrepareOutput(State.Attempt, _sandbox.SandboxUid);
        var spec = new SandboxContainerSpec(
            State.ContainerName,
            runtime.Image,
            new Dictionary<string, string>
            {
                [SandboxLabels.RunId] = RunId,
                [SandboxLabels.ModelId] = request.ModelId,
                [SandboxLabels.Round] = request.Round.ToString(CultureInfo.InvariantCulture),
                [SandboxLabels.Attempt] = State.Attempt.ToString(CultureInfo.InvariantCulture),
            },
            [
                new SandboxMount(picklePath, "/input/model.pkl", ReadOnly: true),
                .. inputs,
                new SandboxMount(output, "/output", ReadOnly: false),
            ]);
        var containerId = await _engine.CreateAndStartAsync(spec, cancellationToken);
        _logs.Follow(State.ContainerName);
        WatchForExit(State.ContainerName);
        var observation = await _engine.InspectAsync(containerId, cancellationToken);

        State.ContainerId = containerId;
        State.ContainerStartedAt = observation?.StartedAt ?? _time.GetUtcNow();
        State.Description = $"Running in sandbox container {State.ContainerName} with Python {runtime.FullPythonVersion}.";

        await _state.WriteStateAsync(cancellationToken);

        Workspace.AppendLog(LogLine($"attempt {State.Attempt}: started container {State.ContainerName} ({containerId[..12]}) from {runtime.Image}"));
        LogContainerStarted(_logger, RunId, request.ModelId, request.Round, State.ContainerName, containerId, State.Attempt);
    }

    private async Task WatchContainerAsync(CancellationToken cancellationToken)
    {
        var request = State.Request!;
        var name = State.ContainerName!;
        var observation = await _engine.InspectAsync(name, cancellationToken);
        if (observation is null)
        {
            await EndAttemptWithErrorAsync(
                $"Sandbox container {name} disappeared before it reported a result. This is a platform error; the run is retried.",
                cancellationToken);
            return;
        }

        var startedAt = observation.StartedAt ?? State.ContainerStartedAt ?? _time.GetUtcNow();
        if (observation.Running)
        {
            // A wait that failed, for example because the engine restarted, starts again here. The poll covers the gap.
            WatchForExit(name);
            if (!State.KilledForOutput && Workspace.OutputBytes(State.Attempt) > _sandbox.OutputLimitBytes)
            {
                State.KilledForOutput = true;

                await _state.WriteStateAsync(cancellationToken);

                LogOutputOverflow(_logger, RunId, request.ModelId, request.Round, name, _sandbox.OutputLimitBytes);
                await _engine.KillAsync(name, cancellationToken);
                return;
            }

            if (!State.KilledForTimeout && _time.GetUtcNow() - startedAt > _sandbox.WallClockLimit)
            {
                State.KilledForTimeout = true;

                await _state.WriteStateAsync(cancellationToken);

                LogTimeout(_logger, RunId, request.ModelId, request.Round, name, _sandbox.WallClockLimit);
                await _engine.KillAsync(name, cancellationToken);
            }

            return;
        }

        var elapsed = (observation.FinishedAt ?? _time.GetUtcNow()) - startedAt;
        var output = await _logs.CollectAsync(name, cancellationToken);
        Workspace.AppendLog($"----- container {name}, attempt {State.Attempt}, exit code {observation.ExitCode} -----\n{output}\n----- end of container output -----\n");

        var outputBytes = Workspace.OutputBytes(State.Attempt);
        if (State.KilledForOutput || outputBytes > _sandbox.OutputLimitBytes)
        {
            Workspace.DeleteOutput(State.Attempt);
            await FinishAsync(
                RunStatus.Failed,
                FailureReason.InvalidSubmission,
                $"The model wrote more than {FailureClassifier.FormatBytes(_sandbox.OutputLimitBytes)} to /output and was stopped; write only the predictions there.");
            return;
        }

        var result = RunnerResult.TryRead(Workspace.ResultPath(State.Attempt), _sandbox.OutputLimitBytes);
        var peakMemory = result?.PeakMemoryBytes ?? Workspace.ReadPeakMemory(State.Attempt);
        var runtime = await RuntimeFactsAsync(request.Pickle.PythonVersion, cancellationToken);
        var outcome = FailureClassifier.Classify(
            new ContainerExit(observation.ExitCode, observation.OomKilled, State.KilledForTimeout, elapsed, result, peakMemory),
            runtime);
        State.PeakMemoryBytes = peakMemory;
        State.Elapsed = elapsed;
        LogContainerExited(_logger, RunId, request.ModelId, request.Round, name, observation.ExitCode, observation.OomKilled, outcome.Status, outcome.Reason);

        switch (outcome.Status)
        {
            case RunStatus.Validating:
                Transition(RunStatus.Validating, outcome.Description + " Checking them against the round's ids.");
                await _state.WriteStateAsync(cancellationToken);

                // The container has exited, so the next run may take the slot while this one is removed.
                StopWatchingForExit();
                _slots.Release(RunId);
                await ReleaseContainerAsync(name);
                await ValidateAsync(cancellationToken);
                break;
            case RunStatus.Error:
                await EndAttemptWithErrorAsync(outcome.Description, cancellationToken);
                break;
            default:
                await FinishAsync(outcome.Status, outcome.Reason, outcome.Description);
                await ReleaseContainerAsync(name);
                break;
        }
    }

    private async Task ValidateAsync(CancellationToken cancellationToken)
    {
        var request = State.Request!;

        // A validation run's staged rows carry its ids as well as the targets and features for the diagnostics.
        var validationRows = request.Kind == RunKind.Validation ? await ValidationRowsAsync() : null;
        var expectedIds = validationRows?.Ids ?? await LiveIdsAsync(request);

        var predictions = new FileInfo(Workspace.PredictionsPath(State.Attempt));
        if (!predictions.Exists)
        {
            await FinishAsync(RunStatus.Failed, FailureReason.InvalidSubmission, "The model reported success but wrote no predictions.");
            return;
        }

        if (predictions.Length > _sandbox.OutputLimitBytes)
        {
            await FinishAsync(
                RunStatus.Failed,
                FailureReason.InvalidSubmission,
                $"The predictions file is {FailureClassifier.FormatBytes(predictions.Length)}, over the limit of {FailureClassifier.FormatBytes(_sandbox.OutputLimitBytes)}; return one row per id.");
            return;
        }

        var validation = PredictionValidator.ValidateCsv(predictions.FullName, expectedIds);
        if (!validation.IsValid)
        {
            await FinishAsync(RunStatus.Failed, FailureReason.InvalidSubmission, validation.Error!);
            return;
        }

        if (validationRows is { } rows)
        {
            State.Diagnostics = DiagnosticsCalculator.Compute(rows.Eras, validation.Values!, rows.Target, rows.Features, rows.FeatureNames.Count, rows.FeatureNames);
            await FinishAsync(
                RunStatus.Success,
                FailureReason.None,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Computed diagnostics over {State.Diagnostics.Eras.Count} eras: mean correlation {State.Diagnostics.Mean:0.0000}, Sharpe {State.Diagnostics.Sharpe:0.00}."));
            return;
        }

        State.Submission = await SubmissionFiles.WriteAsync(
            _storage.Root, request.ModelId, request.Round, RunId, expectedIds, validation.Values!, _time.GetUtcNow(), cancellationToken);
        await FinishAsync(
            RunStatus.Success,
            FailureReason.None,
            $"Stored {State.Submission.Rows} predictions as the submission for round {request.Round}.");
    }

    /// <summary>The read-only mounts of the run's features, or null when they are not staged.</summary>
    private async Task<IReadOnlyList<SandboxMount>?> InputMountsAsync(RunRequest request)
    {
        if (request.Kind == RunKind.Validation)
        {
            var data = await GrainFactory.GetGrain<IValidationDataGrain>(0).GetAsync();
            return data is null
                ? null
                : [new SandboxMount(Path.Combine(data.StagedDirectory, StagedFeatures.ChunksFolder), "/input/" + StagedFeatures.ChunksFolder, ReadOnly: true)];
        }

        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetAsync(request.Round);
        return round is null
            ? null
            :
            [
                new SandboxMount(Path.Combine(round.StagedDirectory, StagedFeatures.MatrixFile), "/input/" + StagedFeatures.MatrixFile, ReadOnly: true),
                new SandboxMount(Path.Combine(round.StagedDirectory, StagedFeatures.MetadataFile), "/input/" + StagedFeatures.MetadataFile, ReadOnly: true),
            ];
    }

    private async Task<StagedRows> ValidationRowsAsync()
    {
        var data = await GrainFactory.GetGrain<IValidationDataGrain>(0).GetAsync()
            ?? throw new InvalidOperationException($"The validation data vanished while run {RunId} was validating.");
        return StagedRows.Read(data.StagedDirectory);
    }

    private async Task<IReadOnlyList<string>> LiveIdsAsync(RunRequest request)
    {
        var round = await GrainFactory.GetGrain<IRoundsGrain>(0).GetAsync(request.Round)
            ?? throw new InvalidOperationException($"Round {request.Round} vanished while run {RunId} was validating.");
        return StagedFeatures.ReadMetadata(round.StagedDirectory).Ids;
    }

    private async Task EndAttemptWithErrorAsync(string description, CancellationToken cancellationToken)
    {
        var request = State.Request!;
        if (State.ContainerName is { } container)
        {
            await ReleaseContainerAsync(container);
        }
        else
        {
            _slots.Release(RunId);
        }

        if (State.Attempt >= _sandbox.MaxAttempts)
        {
            await FinishAsync(RunStatus.Error, FailureReason.None, $"{description} Gave up after {State.Attempt} attempts.");
            return;
        }

        var delay = _sandbox.RetryBackoff * Math.Pow(2, State.Attempt - 1);
        Transition(RunStatus.Error, $"{description} Retrying in {FailureClassifier.FormatDuration(delay)}.");
        State.Attempt++;
        State.ContainerName = null;
        State.ContainerId = null;
        State.ContainerStartedAt = null;
        State.NotBefore = _time.GetUtcNow() + delay;
        Transition(RunStatus.Pending, $"Waiting for a sandbox slot (attempt {State.Attempt} of {_sandbox.MaxAttempts}).");

        await _state.WriteStateAsync(cancellationToken);

        Workspace.AppendLog(LogLine($"error: {description} Attempt {State.Attempt} of {_sandbox.MaxAttempts} starts in {FailureClassifier.FormatDuration(delay)}."));
        LogRetry(_logger, RunId, request.ModelId, request.Round, State.Attempt, delay, description);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task FinishAsync(RunStatus status, FailureReason reason, string description)
    {
        var request = State.Request!;
        State.Reason = reason;
        State.FinishedAt = _time.GetUtcNow();
        Transition(status, description);

        // The model records the submission before the terminal status is stored, so a client
        // that sees the run end also finds its submission. A crash in between repeats both steps.
        await NotifyAsync();

        await _state.WriteStateAsync();

        Workspace.AppendLog(LogLine($"{status}{(reason == FailureReason.None ? "" : $" ({reason})")}: {description}"));
        if (status == RunStatus.Failed)
        {
            Workspace.AppendLog(ReproductionCommand.For(request, _sandbox));
        }

        LogFinished(_logger, RunId, request.ModelId, request.Round, status, reason, description);
        await CompleteAsync();
    }

    /// <summary>
    /// Tells the model grain the run ended (and the operators, for an Error), then drops
    /// the reminder and the timer.
    /// </summary>
    private async Task CompleteAsync()
    {
        if (!State.ModelNotified)
        {
            await NotifyAsync();

            await _state.WriteStateAsync();
        }

        // The step that removed the container may have been cut short by a crash; removing it again is harmless.
        if (State.ContainerName is { } container)
        {
            await ReleaseContainerAsync(container);
        }

        var reminder = await this.GetReminder(KeepAliveReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        StopWatchingForExit();
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Reports the terminal status to the model grain, and an Error to the operators too.</summary>
    private async Task NotifyAsync()
    {
        var request = State.Request!;
        if (State.Status == RunStatus.Error)
        {
            await GrainFactory.GetGrain<IOperationsGrain>(0).RecordPlatformFailureAsync(new PlatformFailure(
                RunId, request.ModelId, request.Round, request.Kind, State.Attempt, State.Description, State.FinishedAt ?? _time.GetUtcNow()));
        }

        await GrainFactory.GetGrain<IModelGrain>(request.ModelId).OnRunFinishedAsync(Snapshot());
        State.ModelNotified = true;
    }

    private async Task ReleaseContainerAsync(string containerName)
    {
        StopWatchingForExit();
        try
        {
            await _engine.RemoveAsync(containerName, CancellationToken.None);
        }
        catch (Exception exception) when (IsEngineFault(exception))
        {
            // The container carries the run's labels, so the reaper removes it once the engine responds.
            LogRemoveFailed(_logger, exception, RunId, containerName);
        }

        _slots.Release(RunId);
    }

    /// <summary>
    /// Starts a background wait for the container to exit, unless a wait for it is in flight
    /// or has already seen it exit. Call it only on this activation's scheduler.
    /// </summary>
    private void WatchForExit(string containerName)
    {
        if (_exitWait is { } current
            && current.ContainerName == containerName
            && (!current.Ended.IsCompleted || current.Ended.Result))
        {
            return;
        }

        StopWatchingForExit();
        var cancellation = new CancellationTokenSource();
        _exitWait = new ExitWait(containerName, cancellation, WaitForExitAsync(containerName, cancellation.Token));
    }

    private void StopWatchingForExit()
    {
        // The source is not disposed, because the engine request may still be using its token.
        _exitWait?.Cancellation.Cancel();
        _exitWait = null;
    }

    /// <summary>
    /// Waits for the container to exit, then makes the timer fire. Returns true when the engine
    /// reported the exit or that the container is gone, and false when the wait failed or was
    /// cancelled.
    /// </summary>
    /// <remarks>
    /// The awaits keep the activation's task scheduler, so the code after the wait runs on
    /// this activation and <see cref="TickNow"/> is safe there. It changes no run state.
    /// </remarks>
    private async Task<bool> WaitForExitAsync(string containerName, CancellationToken cancellationToken)
    {
        try
        {
            await _engine.WaitForExitAsync(containerName, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception)
        {
            LogExitWaitFailed(_logger, exception, RunId, containerName);
            return false;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        TickNow();
        return true;
    }

    /// <summary>
    /// Builds the callback that <see cref="SandboxSlots"/> invokes when a slot frees for this run.
    /// It runs on the thread of the grain that freed the slot, so it sends this grain a one-way
    /// <see cref="IRunGrain.WakeAsync"/> call instead of changing the timer from there. The call
    /// also activates this grain again if it has deactivated.
    /// </summary>
    private Action CreateSlotWake()
    {
        var self = this.AsReference<IRunGrain>();
        var logger = _logger;
        var runId = RunId;
        return () =>
        {
            try
            {
                _ = self.WakeAsync();
            }
            catch (Exception exception)
            {
                // The run's own poll still finds the free slot.
                LogWakeFailed(logger, exception, runId);
            }
        };
    }

    private static async Task<string?> CheckPickleFileAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return $"The uploaded pickle {path} is missing from the store. This is a platform error.";
        }

        var actual = await StagedFeatures.Sha256Async(path, cancellationToken);
        return actual == sha256
            ? null
            : $"The uploaded pickle {path} has checksum {actual}, not the {sha256} recorded at upload. This is a platform storage error.";
    }

    private async Task<RuntimeFacts> RuntimeFactsAsync(string pythonVersion, CancellationToken cancellationToken)
    {
        var all = await _runtimes.ListAsync(cancellationToken);
        var own = all.FirstOrDefault(r => r.PythonVersion == pythonVersion);
        return new RuntimeFacts(
            pythonVersion,
            own?.FullPythonVersion ?? pythonVersion,
            all.Select(r => r.PythonVersion).ToArray(),
            own?.Libraries ?? new Dictionary<string, string>(),
            _sandbox.MemoryBytes,
            _sandbox.WallClockLimit);
    }

    private void Transition(RunStatus status, string description)
    {
        State.Status = status;
        State.Description = description;
        State.History.Add(new StatusChange(status, _time.GetUtcNow(), description));
    }

    private string LogLine(string text) =>
        $"[{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}] {text}\n";

    private RunSnapshot Snapshot()
    {
        var request = State.Request!;
        return new RunSnapshot
        {
            RunId = RunId,
            ModelId = request.ModelId,
            Round = request.Round,
            Kind = request.Kind,
            Status = State.Status,
            Reason = State.Reason,
            Description = State.Description,
            Attempt = State.Attempt,
            History = State.History.ToArray(),
            QueuePosition = State.Status == RunStatus.Pending ? _queuePosition : null,
            ContainerName = State.ContainerName,
            ContainerStartedAt = State.ContainerStartedAt,
            FinishedAt = State.FinishedAt,
            Submission = State.Submission,
            PeakMemoryBytes = State.PeakMemoryBytes,
            PythonVersion = request.Pickle.PythonVersion,
            Diagnostics = State.Diagnostics,
            PickleSha256 = request.Pickle.Sha256,
            WaitingSince = State.Status == RunStatus.Pending ? State.History.LastOrDefault(h => h.Status == RunStatus.Pending)?.At : null,
        };
    }

    private static bool IsTerminal(RunStatus status) => status is RunStatus.Success or RunStatus.Failed or RunStatus.Error;

    private static bool IsEngineFault(Exception exception) => exception is DockerApiException || IsEngineUnreachable(exception);

    /// <summary>Whether the engine did not respond at all, as opposed to returning an error.</summary>
    private static bool IsEngineUnreachable(Exception exception) =>
        exception is HttpRequestException or SocketException or TimeoutException
        || (exception is IOException && exception.InnerException is SocketException)
        || (exception is TaskCanceledException && exception.InnerException is TimeoutException);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of model {ModelId} for round {Round} ({Kind}) is queued")]
    private static partial void LogQueued(ILogger logger, string runId, string modelId, int round, RunKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of model {ModelId} for round {Round} resumed in status {Status}, container {ContainerName}")]
    private static partial void LogResumed(ILogger logger, string runId, string modelId, int round, RunStatus status, string? containerName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of model {ModelId} for round {Round} started container {ContainerName} ({ContainerId}), attempt {Attempt}")]
    private static partial void LogContainerStarted(ILogger logger, string runId, string modelId, int round, string containerName, string containerId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of model {ModelId} for round {Round}: container {ContainerName} exited with code {ExitCode} (OOM killed: {OomKilled}); outcome {Status} {Reason}")]
    private static partial void LogContainerExited(ILogger logger, string runId, string modelId, int round, string containerName, long exitCode, bool oomKilled, RunStatus status, FailureReason reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of model {ModelId} for round {Round}: container {ContainerName} wrote more than {Limit} bytes to its output; killing it")]
    private static partial void LogOutputOverflow(ILogger logger, string runId, string modelId, int round, string containerName, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of model {ModelId} for round {Round}: container {ContainerName} passed the wall-clock limit of {Limit}; killing it")]
    private static partial void LogTimeout(ILogger logger, string runId, string modelId, int round, string containerName, TimeSpan limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of model {ModelId} for round {Round} retries as attempt {Attempt} in {Delay}: {Cause}")]
    private static partial void LogRetry(ILogger logger, string runId, string modelId, int round, int attempt, TimeSpan delay, string cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} of model {ModelId} for round {Round} finished: {Status} {Reason}: {Description}")]
    private static partial void LogFinished(ILogger logger, string runId, string modelId, int round, RunStatus status, FailureReason reason, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of model {ModelId} for round {Round}: the engine failed while driving container {ContainerName}")]
    private static partial void LogEngineFault(ILogger logger, Exception exception, string runId, string? modelId, int? round, string? containerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} of model {ModelId} for round {Round}: the engine is unreachable since {Since} while driving container {ContainerName}; retrying")]
    private static partial void LogEngineUnreachable(ILogger logger, Exception exception, string runId, string? modelId, int? round, string? containerName, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of model {ModelId} for round {Round}: the step in status {Status} failed; the grain reloads its state and tries again")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string runId, string? modelId, int? round, RunStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: removing container {ContainerName} failed; the reaper removes it later")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string runId, string containerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: waiting for container {ContainerName} to exit failed; the next poll checks it instead")]
    private static partial void LogExitWaitFailed(ILogger logger, Exception exception, string runId, string containerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: sending the wake call for a free sandbox slot failed; the next poll takes the slot instead")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, string runId);

    /// <summary>A background wait for one container's exit and the source that cancels it.</summary>
    private sealed record ExitWait(string ContainerName, CancellationTokenSource Cancellation, Task<bool> Ended);
}
