using ModelUploads.Bench.Infrastructure;
using ModelUploads.Data;
using ModelUploads.Hosting;

namespace ModelUploads.Bench;

/// <summary>
/// The running platform the benchmarks measure: a silo process with its co-hosted gateway,
/// reached over loopback with an administrator's key, on a database no other work uses.
/// </summary>
/// <param name="Gateway">The gateway's address, on 127.0.0.1.</param>
/// <param name="AdministratorKey">An administrator's API key.</param>
/// <param name="SiloProcessId">The silo process, whose memory the upload benchmark samples.</param>
/// <param name="WorkDirectory">A folder for this run's datasets, pickles and outputs.</param>
/// <param name="CacheDirectory">A folder kept between runs, for the runtime image's exported files.</param>
/// <param name="RepositoryRoot">The checkout, for bench/models and sandbox/examples.</param>
public sealed record BenchmarkTarget(
    Uri Gateway, string AdministratorKey, int SiloProcessId, string WorkDirectory, string CacheDirectory, string RepositoryRoot);

/// <summary>What every benchmark shares: the gateway, the baselines, the model maker and the datasets.</summary>
public sealed class BenchmarkContext : IDisposable
{
    /// <summary>The runtime every benchmark model is made with and uploaded for.</summary>
    public const string PythonVersion = "3.11";

    private readonly TextWriter _progress;
    private readonly List<string> _enabledModels = [];
    private BenchmarkDataset? _typical;
    private BenchmarkDataset? _fullSize;

    public BenchmarkContext(BenchmarkTarget target, BenchmarkScale scale, TextWriter progress)
    {
        Target = target;
        Scale = scale;
        _progress = progress;
        Directory.CreateDirectory(target.WorkDirectory);
        Directory.CreateDirectory(target.CacheDirectory);
        Gateway = new GatewayClient(target.Gateway, target.AdministratorKey);
        Sandbox = new BareSandbox(Limits, NewDirectory("baselines"), target.CacheDirectory, target.RepositoryRoot);
        Models = new ModelMaker(NewDirectory("models"), target.RepositoryRoot, Image);
    }

    public BenchmarkTarget Target { get; }

    public BenchmarkScale Scale { get; }

    public GatewayClient Gateway { get; }

    public BareSandbox Sandbox { get; }

    public ModelMaker Models { get; }

    public string Image => Limits.ImageFor(PythonVersion);

    /// <summary>The sandbox limits the silo runs with when its configuration leaves them at their defaults.</summary>
    public SandboxOptions Limits { get; } = new();

    /// <summary>
    /// The slots a silo with the default settings has on this machine, because the silo computes
    /// them the same way from the same processor count and memory. A Sandbox__Slots setting
    /// on the silo changes its count but not this one.
    /// </summary>
    public int Slots => Limits.EffectiveSlots();

    /// <summary>The id of a finished run, which the status benchmark reads.</summary>
    public string? FinishedRunId { get; set; }

    /// <summary>The dataset of a typical round: the main job's live rows and features.</summary>
    public async Task<BenchmarkDataset> TypicalDatasetAsync()
    {
        _typical ??= await CreateDatasetAsync("typical", Scale.TypicalLiveRows, Scale.TypicalFeatures);
        return _typical;
    }

    /// <summary>The dataset with a live file of Numerai's full size.</summary>
    public async Task<BenchmarkDataset> FullSizeDatasetAsync()
    {
        _fullSize ??= await CreateDatasetAsync("full-size", Scale.FullLiveRows, Scale.FullFeatures);
        return _fullSize;
    }

    /// <summary>Creates a model and uploads the pickle. The model stays enabled until <see cref="DisableModelsAsync"/>.</summary>
    public async Task<(string ModelId, Models.UploadReceipt Receipt)> UploadModelAsync(string name, string picklePath)
    {
        var modelId = await Gateway.CreateModelAsync(name);
        _enabledModels.Add(modelId);
        var receipt = await Gateway.UploadAsync(modelId, picklePath, PythonVersion);
        return (modelId, receipt);
    }

    /// <summary>Disables every model the benchmarks made, so rounds opened later run none of them.</summary>
    public async Task DisableModelsAsync()
    {
        foreach (var modelId in _enabledModels)
        {
            await Gateway.DisableAsync(modelId, "The benchmark that made this model has finished.");
        }

        _enabledModels.Clear();
    }

    public string NewDirectory(string name)
    {
        var path = Path.Combine(Target.WorkDirectory, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Progress(string message) => _progress.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {message}");

    /// <summary>
    /// How often the benchmarks poll a timed run. Platform times end when the client sees Success,
    /// as a user would, so the interval bounds how late that can be.
    /// </summary>
    public static TimeSpan TimedPollInterval { get; } = TimeSpan.FromMilliseconds(20);

    public void Dispose()
    {
        Gateway.Dispose();
        Sandbox.Dispose();
    }

    private async Task<BenchmarkDataset> CreateDatasetAsync(string name, int liveRows, int features)
    {
        Progress($"generating the {name} dataset: {liveRows} live rows x {features} features");
        // Two validation eras of a few hundred rows keep each upload's validation run short.
        var rowsPerEra = Math.Min(500, Math.Max(100, liveRows / 10));
        var shape = new SyntheticDataset { LiveRows = liveRows, FeatureCount = features, TrainEras = 4, ValidationEras = 2, RowsPerEra = rowsPerEra };
        return await BenchmarkDataset.CreateAsync(NewDirectory(name), shape);
    }
}
