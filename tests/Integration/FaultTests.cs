using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelUploads.Data;
using ModelUploads.Models;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Crashes during runs, on real silo processes, the real engine and the real
/// database: a SIGKILL of the silo while a run is Running and while it is
/// Validating, an engine restart, a database outage, and one of two silos
/// killed. Each ends with every run in a terminal status, one submission per
/// model and round, and no container left behind.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class FaultTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Fast reminders and retries, so a survivor picks up a run within seconds.</summary>
    private static readonly Dictionary<string, string> FastRecovery = new()
    {
        ["Sandbox__KeepAlivePeriod"] = "00:00:05",
        ["Orleans__MinimumReminderPeriod"] = "00:00:01",
        ["Sandbox__RetryBackoff"] = "00:00:01",
        ["Sandbox__EngineOutageGrace"] = "00:01:00",
        ["Rounds__ValidationRowsPerChunk"] = "100000",

        // The Validating test polls as fast as it can.
        ["RateLimits__PermitsPerMinute"] = "1000000",
    };

    private readonly List<SiloProcess> _silos = [];
    private ApiUser? _administrator;
    private TestDatabase _database = null!;
    private string _storageRoot = "";
    private string _dataset = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(applySchema: false);
        var work = TestEnvironment.NewWorkDirectory("faults");
        _storageRoot = Path.Combine(work, "store");
        _dataset = Path.Combine(work, "dataset");
        await new SyntheticDataset { LiveRows = 600, FeatureCount = 24, TrainEras = 1, ValidationEras = 61, RowsPerEra = 10000 }
            .WriteAsync(_dataset, CancellationToken.None);
    }

    [Fact]
    public async Task SiloKilledDuringRunningLosesNothing()
    {
        // Given a run whose container sleeps for twelve seconds
        var silo = await StartSiloAsync();
        using var client = Client(silo);
        await OpenRoundAsync(client);
        var (modelId, runId) = await UploadAsync(client, "slower_rank_mean.pkl");
        await WaitForStatusAsync(client, runId, RunStatus.Running);

        // When the silo is killed and started again on its ports
        silo.Kill();
        using var after = Client(await RestartAsync(silo));

        // Then the container was adopted: one attempt, one submission, nothing left behind
        var run = await WaitForEndAsync(after, runId);
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        Assert.Equal(1, run.Attempt);
        await AssertOneSubmissionAsync(after, modelId, run.Round);
        await AssertNoContainersAsync(runId);
    }

    [Fact]
    public async Task SiloKilledDuringValidatingLosesNothing()
    {
        // Given validation data of 600,000 rows, so the silo's own checks take a moment
        var silo = await StartSiloAsync();
        using var client = Client(silo);
        await OpenRoundAsync(client);
        using (var staged = await client.PostAsJsonAsync("/api/validation", new { file = Path.Combine(_dataset, "validation.parquet") }))
        {
            Assert.True(staged.StatusCode == HttpStatusCode.OK, await staged.Content.ReadAsStringAsync());
        }

        // When the silo is killed while a validation run is Validating. The stage lasts about a
        // second, so a poll can miss it; then another upload tries again.
        var (modelId, validationRunId) = await UploadUntilValidatingAsync(client);
        silo.Kill();
        using var after = Client(await RestartAsync(silo));

        // Then the run still ends in Success with its diagnostics, and nothing is left behind
        var run = await WaitForEndAsync(after, validationRunId);
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        Assert.NotNull(run.Diagnostics);
        Assert.Equal(1, run.History.Count(h => h.Status == RunStatus.Validating));
        var model = await after.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", Json);
        Assert.Equal(validationRunId, model!.ValidationRunId);
        await AssertNoContainersAsync(validationRunId);
    }

    [Fact]
    public async Task EngineRestartCostsOneRetry()
    {
        // Given a run whose container is running
        var silo = await StartSiloAsync();
        using var client = Client(silo);
        await OpenRoundAsync(client);
        var (modelId, runId) = await UploadAsync(client, "slower_rank_mean.pkl");
        await WaitForStatusAsync(client, runId, RunStatus.Running);

        // When the engine restarts, which stops every container
        await Faults.RestartEngineAsync();

        // Then the run errs once, is retried, and succeeds
        var run = await WaitForEndAsync(client, runId);
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        Assert.Equal(2, run.Attempt);
        Assert.Contains(RunStatus.Error, run.History.Select(h => h.Status));
        await AssertOneSubmissionAsync(client, modelId, run.Round);
        await AssertNoContainersAsync(runId);
    }

    [Fact]
    public async Task DatabaseOutageAnswers503AndRecovers()
    {
        // Given a run in progress
        var silo = await StartSiloAsync();
        using var client = Client(silo);
        await OpenRoundAsync(client);
        var (modelId, runId) = await UploadAsync(client, "slower_rank_mean.pkl");
        await WaitForStatusAsync(client, runId, RunStatus.Running);
        var otherModel = await CreateModelAsync(client, "during-outage");

        // When PostgreSQL stops, an upload is tried, and PostgreSQL starts again
        HttpStatusCode outageStatus;
        string? retryAfter;
        string outageBody;
        await Faults.StopPostgresAsync();
        try
        {
            using var upload = await client.PostAsync($"/api/models/{otherModel}/upload", UploadForm(await TestPickles.PathAsync("rank_mean.pkl")));
            outageStatus = upload.StatusCode;
            retryAfter = upload.Headers.RetryAfter?.ToString();
            outageBody = await upload.Content.ReadAsStringAsync();
        }
        finally
        {
            await Faults.StartPostgresAsync();
        }

        // Then the upload got 503 with Retry-After and left nothing, and the run finished
        Assert.True(outageStatus == HttpStatusCode.ServiceUnavailable, $"{outageStatus}: {outageBody}");
        Assert.False(string.IsNullOrEmpty(retryAfter), "no Retry-After header");
        Assert.Contains("Retry in", outageBody, StringComparison.Ordinal);
        var run = await WaitForEndAsync(client, runId);
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}");
        await AssertOneSubmissionAsync(client, modelId, run.Round);
        var other = await GetWithRetryAsync<ModelSnapshot>(client, $"/api/models/{otherModel}");
        Assert.Null(other.Upload);
        Assert.Empty(Directory.GetFiles(Path.Combine(_storageRoot, "pickles", "incoming")));
        await AssertNoContainersAsync(runId);
    }

    [Fact]
    public async Task SurvivorTakesOverKilledSilosRuns()
    {
        // Given two silos in one cluster and six runs spread across them
        var first = await StartSiloAsync();
        var second = await StartSiloAsync();
        using var client = Client(first);
        await OpenRoundAsync(client);
        var runs = new List<(string ModelId, string RunId)>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add(await UploadAsync(client, "slower_rank_mean.pkl"));
        }

        // When the second silo is killed
        second.Kill();

        // Then every run ends in Success on the survivor, once per model, and no container is left
        foreach (var (modelId, runId) in runs)
        {
            var run = await WaitForEndAsync(client, runId, TimeSpan.FromMinutes(4));
            Assert.True(run.Status == RunStatus.Success, $"{runId}: status {run.Status}: {run.Description}");
            await AssertOneSubmissionAsync(client, modelId, run.Round);
            await AssertNoContainersAsync(runId);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        await _database.DisposeAsync();
    }

    private async Task<SiloProcess> StartSiloAsync()
    {
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, _storageRoot, FastRecovery);
        _silos.Add(silo);
        _administrator ??= await AdministratorCommand.CreateAsync(silo, _database.ConnectionString, "faults-admin");
        return silo;
    }

    private async Task<SiloProcess> RestartAsync(SiloProcess killed)
    {
        var silo = await SiloProcess.StartAsync(_database.ConnectionString, _storageRoot, FastRecovery, killed.Ports);
        _silos.Add(silo);
        return silo;
    }

    private HttpClient Client(SiloProcess silo) => _administrator!.Client(silo.Address);

    private async Task OpenRoundAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/rounds", new { liveFile = Path.Combine(_dataset, "live.parquet") });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> CreateModelAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/models", new { name });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ModelSnapshot>(Json))!.ModelId;
    }

    private static async Task<(string ModelId, string RunId)> UploadAsync(HttpClient client, string pickle)
    {
        var (modelId, runId, _) = await UploadWithValidationAsync(client, pickle);
        return (modelId, runId);
    }

    private static async Task<(string ModelId, string RunId, string ValidationRunId)> UploadWithValidationAsync(HttpClient client, string pickle)
    {
        var modelId = await CreateModelAsync(client, Path.GetFileNameWithoutExtension(pickle));
        using var response = await client.PostAsync($"/api/models/{modelId}/upload", UploadForm(await TestPickles.PathAsync(pickle)));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var receipt = (await response.Content.ReadFromJsonAsync<UploadReceipt>(Json))!;
        return (modelId, receipt.LiveRunId!, receipt.ValidationRunId ?? "");
    }

    private static MultipartFormDataContent UploadForm(string picklePath)
    {
        var file = new ByteArrayContent(File.ReadAllBytes(picklePath));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent
        {
            { new StringContent("3.11"), "python_version" },
            { file, "file", Path.GetFileName(picklePath) },
        };
    }

    private static async Task<(string ModelId, string ValidationRunId)> UploadUntilValidatingAsync(HttpClient client)
    {
        const int Tries = 5;
        for (var attempt = 1; attempt <= Tries; attempt++)
        {
            var (modelId, _, validationRunId) = await UploadWithValidationAsync(client, "rank_mean.pkl");
            if (await ReachesStatusAsync(client, validationRunId, RunStatus.Validating))
            {
                return (modelId, validationRunId);
            }
        }

        throw new TimeoutException($"no validation run was seen in Validating in {Tries} uploads");
    }

    /// <summary>Polls the run as fast as it can; returns false when the run ended without being seen in the status.</summary>
    private static async Task<bool> ReachesStatusAsync(HttpClient client, string runId, RunStatus status)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < stopAt)
        {
            var run = await client.GetFromJsonAsync<RunSnapshot>($"/api/runs/{runId}", Json);
            if (run!.Status == status)
            {
                return true;
            }

            if (run.IsTerminal)
            {
                return false;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"run {runId} neither reached {status} nor ended");
    }

    private static async Task WaitForStatusAsync(HttpClient client, string runId, RunStatus status, int pollMilliseconds = 100)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        RunSnapshot? run = null;
        while (DateTime.UtcNow < stopAt)
        {
            run = await client.GetFromJsonAsync<RunSnapshot>($"/api/runs/{runId}", Json);
            if (run!.Status == status)
            {
                return;
            }

            Assert.False(run.IsTerminal, $"run {runId} ended in {run.Status} before reaching {status}: {run.Description}");
            await Task.Delay(pollMilliseconds);
        }

        throw new TimeoutException($"run {runId} did not reach {status}; its last status was {run?.Status}");
    }

    /// <summary>Polls the run until it ends; requests that fail while a silo or the database recovers are retried.</summary>
    private static async Task<RunSnapshot> WaitForEndAsync(HttpClient client, string runId, TimeSpan? deadline = null)
    {
        var stopAt = DateTime.UtcNow + (deadline ?? TimeSpan.FromMinutes(3));
        RunSnapshot? run = null;
        while (DateTime.UtcNow < stopAt)
        {
            run = await TryGetAsync<RunSnapshot>(client, $"/api/runs/{runId}");
            if (run is { IsTerminal: true })
            {
                return run;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"run {runId} did not end; its last status was {run?.Status}: {run?.Description}");
    }

    private static async Task<T> GetWithRetryAsync<T>(HttpClient client, string path)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < stopAt)
        {
            if (await TryGetAsync<T>(client, path) is { } value)
            {
                return value;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"GET {path} did not succeed within a minute");
    }

    private static async Task<T?> TryGetAsync<T>(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<T>(Json) : default;
        }
        catch (HttpRequestException)
        {
            return default;
        }
    }

    private static async Task AssertOneSubmissionAsync(HttpClient client, string modelId, int round)
    {
        // The run reports its end to its model just after it stores its status, so wait for the model.
        var model = await GetWithRetryAsync<ModelSnapshot>(client, $"/api/models/{modelId}");
        var stopAt = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!model.Submissions.ContainsKey(round) && DateTime.UtcNow < stopAt)
        {
            await Task.Delay(100);
            model = await GetWithRetryAsync<ModelSnapshot>(client, $"/api/models/{modelId}");
        }

        Assert.Equal([round], model.Submissions.Keys.ToArray());
        var files = Directory.GetFiles(Path.GetDirectoryName(model.Submissions[round].FilePath)!, "*.csv");
        Assert.True(files.Length == 1, $"model {modelId} has {files.Length} submission files for round {round}: {string.Join(", ", files)}");
    }

    private static async Task AssertNoContainersAsync(string runId)
    {
        var containers = await ProcessRunner.RunAsync(
            "docker", ["ps", "-a", "--quiet", "--filter", $"label=modeluploads.run={runId}"], TimeSpan.FromSeconds(30));
        Assert.True(containers.Trim().Length == 0, $"containers of run {runId} are left: {containers}");
    }
}
