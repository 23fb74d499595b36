using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelUploads.Data;
using ModelUploads.Models;
using ModelUploads.Rounds;
using ModelUploads.Runs;
using ModelUploads.Silo.Hosting;
using ModelUploads.Storage;
using Orleans.TestingHost;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>
/// A one-silo TestCluster wired as production is (grain storage and reminders
/// on a fresh PostgreSQL database, the real Docker engine and runtime images),
/// with an open round of synthetic live data. Polling is fast and a run gets two
/// attempts, so the tests see every transition in seconds.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestCluster Cluster { get; private set; } = null!;

    public string StorageRoot { get; private set; } = "";

    public RoundInfo Round { get; private set; } = null!;

    /// <summary>The folder of the synthetic dataset: train, validation and live files.</summary>
    public string DatasetDirectory { get; private set; } = "";

    /// <summary>Whether the fixture stages validation data, so that every upload also gets a validation run.</summary>
    protected virtual bool StagesValidation => false;

    /// <summary>Whether the fixture opens a round before its tests run.</summary>
    protected virtual bool OpensRound => true;

    /// <summary>Settings on top of the common test settings, given the dataset folder.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings(string datasetDirectory) => new Dictionary<string, string?>();

    /// <summary>Services the silo gets on top of production's, such as a fake clock.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    private IReadOnlyDictionary<string, string?> Settings() => ExtraSettings(DatasetDirectory);

    public IGrainFactory Grains => Cluster.GrainFactory;

    internal TestDatabase Database => _database!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var work = TestEnvironment.NewWorkDirectory("cluster");
        StorageRoot = Path.Combine(work, "store");
        var dataset = Path.Combine(work, "dataset");
        await new SyntheticDataset { LiveRows = 600, FeatureCount = 24, TrainEras = 2, ValidationEras = 4, RowsPerEra = 200 }
            .WriteAsync(dataset, CancellationToken.None);

        DatasetDirectory = dataset;
        Cluster = await StartClusterAsync(_database.ConnectionString, StorageRoot, serviceId: $"tests-{Guid.NewGuid():N}", Settings(), ConfigureServices);
        if (OpensRound)
        {
            Round = await Grains.GetGrain<IRoundsGrain>(0).OpenAsync(Path.Combine(dataset, "live.parquet"));
        }

        if (StagesValidation)
        {
            await Grains.GetGrain<IValidationDataGrain>(0).SetAsync(Path.Combine(dataset, "validation.parquet"));
        }
    }

    /// <summary>The test silos' container memory limit, lower than production's so the out-of-memory test is quick.</summary>
    public const long MemoryLimitBytes = 1L << 30;

    internal static async Task<TestCluster> StartClusterAsync(
        string connectionString,
        string storageRoot,
        string serviceId,
        IReadOnlyDictionary<string, string?>? extraSettings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        ExtraServices[serviceId] = configureServices ?? (_ => { });

        // The fixture's own settings override the common ones of the same name.
        var settings = new Dictionary<string, string?>
        {
            [ServiceIdSetting] = serviceId,
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Storage:Root"] = storageRoot,
            ["Sandbox:PollInterval"] = "00:00:00.200",
            ["Sandbox:MaxAttempts"] = "2",
            ["Sandbox:RetryBackoff"] = "00:00:00.200",
            ["Sandbox:Slots"] = "2",
            ["Sandbox:WallClockLimit"] = "00:00:20",
            ["Sandbox:MemoryBytes"] = MemoryLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rounds:ValidationRowsPerChunk"] = "300",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.AddSiloBuilderConfigurator<ModelUploadsSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Creates a model and records the pickle at the path as its upload, as the gateway
    /// does: the file goes into the store first, unless <paramref name="store"/> is false.
    /// </summary>
    public async Task<(IModelGrain Model, UploadReceipt Receipt)> UploadAsync(
        string picklePath, string pythonVersion = TestEnvironment.DefaultPython, bool store = true, string owner = "tests")
    {
        var model = Grains.GetGrain<IModelGrain>($"model-{Guid.NewGuid():N}");
        await model.CreateAsync(Path.GetFileNameWithoutExtension(picklePath), owner);
        return (model, await RecordUploadAsync(model, picklePath, pythonVersion, store));
    }

    /// <summary>Records a pickle written by make_pickles.py as an existing model's upload.</summary>
    public async Task<UploadReceipt> UploadToAsync(IModelGrain model, string pickleName) =>
        await RecordUploadAsync(model, await TestPickles.PathAsync(pickleName), TestEnvironment.DefaultPython, store: true);

    private async Task<UploadReceipt> RecordUploadAsync(IModelGrain model, string picklePath, string pythonVersion, bool store)
    {
        var sha256 = await StagedFeatures.Sha256Async(picklePath, CancellationToken.None);
        if (store)
        {
            var stored = StoreLayout.PicklePath(StorageRoot, sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
            File.Copy(picklePath, stored, overwrite: true);
        }

        return await model.SetUploadAsync(
            new PickleReference(sha256, new FileInfo(picklePath).Length, Path.GetFileName(picklePath), pythonVersion, DateTimeOffset.UtcNow, []));
    }

    /// <summary>
    /// Polls the model until it lists a submission for the round. A run reports its end
    /// to its model just after it stores its terminal status, so the two can differ briefly.
    /// </summary>
    public static async Task<ModelSnapshot> WaitForSubmissionAsync(IModelGrain model, int round)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var snapshot = await model.GetAsync();
            if (snapshot.Submissions.ContainsKey(round) || DateTime.UtcNow > stopAt)
            {
                return snapshot;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Polls the run until it reaches a terminal status; fails with its last status after the deadline.</summary>
    public async Task<RunSnapshot> WaitForEndAsync(string runId, TimeSpan? deadline = null)
    {
        var run = Grains.GetGrain<IRunGrain>(runId);
        var stopAt = DateTime.UtcNow + (deadline ?? TimeSpan.FromMinutes(2));
        RunSnapshot? last = null;
        while (DateTime.UtcNow < stopAt)
        {
            last = await run.GetAsync();
            if (last is { IsTerminal: true })
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Run {runId} did not end; its last status was {last?.Status}: {last?.Description}");
    }

    public virtual async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private const string ServiceIdSetting = "Tests:ServiceId";

    /// <summary>Each cluster's extra services by service id; the silo configurator can take no arguments.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Action<IServiceCollection>> ExtraServices = new();

    private sealed class ModelUploadsSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddModelUploads(siloBuilder.Configuration);
            ExtraServices[siloBuilder.Configuration[ServiceIdSetting]!](siloBuilder.Services);
        }
    }
}
