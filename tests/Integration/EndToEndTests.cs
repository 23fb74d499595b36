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
/// The main job through the HTTP API of the real silo process: a 5,000-row,
/// 300-feature round, an xgboost model trained and cloudpickled inside the
/// runtime image, its upload, and its run to Success; then a SIGKILL of the
/// silo and a fresh start that still has the model and the run.
/// </summary>
public sealed class EndToEndTests(EndToEndTests.SiloFixture fixture) : IClassFixture<EndToEndTests.SiloFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    [Fact]
    public async Task UploadedModelRunsToSuccessAndSurvivesKill()
    {
        // Given the open round, staged validation data and a trained xgboost pickle
        using var client = fixture.Client();
        var validation = await client.PostAsJsonAsync("/api/validation", new { file = fixture.ValidationFile });
        Assert.True(validation.StatusCode == HttpStatusCode.OK, await validation.Content.ReadAsStringAsync());
        var modelId = await SiloFixture.CreateModelAsync(client, "xgboost-e2e");

        // When it is uploaded
        using var upload = await client.PostAsync($"/api/models/{modelId}/upload", UploadForm(await File.ReadAllBytesAsync(fixture.XgboostPickle), "model.pkl", "Python 3.11"));
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var receipt = (await upload.Content.ReadFromJsonAsync<UploadReceipt>(Json))!;
        var run = await WaitForEndAsync(client, receipt.LiveRunId!);

        // Then it went through every stage and its 5,000 predictions are stored
        Assert.True(run.Status == RunStatus.Success, $"status {run.Status}: {run.Description}\n{await client.GetStringAsync($"/api/runs/{run.RunId}/log")}");
        Assert.Equal([RunStatus.Pending, RunStatus.Running, RunStatus.Validating, RunStatus.Success], run.History.Select(h => h.Status).ToArray());
        var csv = await client.GetStringAsync($"/api/models/{modelId}/submissions/{run.Round}");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,prediction", lines[0]);
        Assert.Equal(5000, lines.Length - 1);
        var downloaded = await client.GetByteArrayAsync($"/api/models/{modelId}/upload");
        Assert.Equal(await File.ReadAllBytesAsync(fixture.XgboostPickle), downloaded);

        // And its validation run produced diagnostics in which the trained model scores above zero
        var validationRun = await WaitForEndAsync(client, receipt.ValidationRunId!);
        Assert.True(validationRun.Status == RunStatus.Success, $"status {validationRun.Status}: {validationRun.Description}");
        var diagnostics = await client.GetFromJsonAsync<ValidationDiagnostics>($"/api/models/{modelId}/diagnostics", Json);
        Assert.Equal(3, diagnostics!.Eras.Count);
        Assert.True(diagnostics.Mean > 0, $"mean correlation {diagnostics.Mean}");

        // And the upload blocks enabling compute, with the way out in the message
        using var compute = await client.PutAsJsonAsync($"/api/models/{modelId}/compute", new { enabled = true });
        Assert.Equal(HttpStatusCode.Conflict, compute.StatusCode);
        Assert.Contains($"DELETE /api/models/{modelId}/upload", await compute.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // When the silo is killed and started again
        fixture.Silo.Kill();
        await fixture.RestartAsync();
        using var after = fixture.Client();

        // Then the model and the run are as they were
        var model = await after.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", Json);
        var runAfter = await after.GetFromJsonAsync<RunSnapshot>($"/api/runs/{run.RunId}", Json);
        Assert.Equal(receipt.Model.Upload!.Sha256, model!.Upload!.Sha256);
        Assert.Equal(receipt.Model.Upload.UploadedAt, model.Upload.UploadedAt);
        Assert.Equal(receipt.Model.Upload.Modules, model.Upload.Modules);
        Assert.Contains("xgboost", model.Upload.Modules);
        Assert.Equal([receipt.ValidationRunId!, run.RunId], model.RunIds);
        Assert.Equal(run.Status, runAfter!.Status);
        Assert.Equal(run.History, runAfter.History);
        Assert.Equal(5000, runAfter.Submission!.Rows);
        var log = await after.GetStringAsync($"/api/runs/{run.RunId}/log");
        Assert.Contains("wrote 5000 predictions", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty", "The file 'model.pkl' is empty")]
    [InlineData("text", "is not a binary pickle")]
    [InlineData("truncated", "is truncated")]
    [InlineData("python", "Python version '2.7' is not available")]
    [InlineData("module", "references the module 'lightgbm', which the Python 3.11.2 runtime does not have")]
    [InlineData("opcodes", "is not a valid pickle")]
    public async Task BadUploadGets400AndStoresNothing(string problem, string expectedMessage)
    {
        using var client = fixture.Client();
        var modelId = await SiloFixture.CreateModelAsync(client, $"bad-{problem}");
        var pickle = await File.ReadAllBytesAsync(fixture.XgboostPickle);
        var (bytes, version) = problem switch
        {
            "empty" => (Array.Empty<byte>(), "3.11"),
            "text" => ("def predict(df): return df\n"u8.ToArray(), "3.11"),
            "truncated" => (pickle[..(pickle.Length / 2)], "3.11"),
            "module" => (await File.ReadAllBytesAsync(await TestPickles.PathAsync("lightgbm_global.pkl")), "3.11"),
            "opcodes" => (new byte[] { 0x80, 0x05, 0xff, 0xfe, (byte)'.' }, "3.11"),
            _ => (pickle, "2.7"),
        };
        var storedBefore = fixture.StoredFiles();

        using var response = await client.PostAsync($"/api/models/{modelId}/upload", UploadForm(bytes, "model.pkl", version));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expectedMessage, body, StringComparison.Ordinal);
        Assert.Equal(storedBefore, fixture.StoredFiles());
        var model = await client.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", Json);
        Assert.Null(model!.Upload);
        Assert.Empty(model.RunIds);
    }

    [Fact]
    public async Task CsvSubmissionIsValidatedAndStored()
    {
        // Given a model without an upload and the open round's ids
        using var client = fixture.Client();
        var modelId = await SiloFixture.CreateModelAsync(client, "csv-submitter");
        var round = await client.GetFromJsonAsync<JsonElement>("/api/rounds/current", Json);
        var ids = Data.StagedFeatures.ReadMetadata(Path.Combine(fixture.StorageRoot, "rounds", $"round-{round.GetProperty("number").GetInt32()}")).Ids;

        // When a constant CSV and then a valid one are posted
        using var constant = await client.PostAsync(
            $"/api/models/{modelId}/submissions", new StringContent("id,prediction\n" + string.Join("\n", ids.Select(id => $"{id},0.5")), System.Text.Encoding.UTF8, "text/csv"));
        using var valid = await client.PostAsync(
            $"/api/models/{modelId}/submissions", new StringContent("id,prediction\n" + string.Join("\n", ids.Select((id, i) => $"{id},{i / (double)ids.Count:R}")), System.Text.Encoding.UTF8, "text/csv"));

        // Then the first is rejected by the same rules as a run's predictions and the second is stored
        Assert.Equal(HttpStatusCode.BadRequest, constant.StatusCode);
        Assert.Contains("are 0.5", await constant.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(valid.StatusCode == HttpStatusCode.Created, await valid.Content.ReadAsStringAsync());
        var csv = await client.GetStringAsync($"/api/models/{modelId}/submissions/{round.GetProperty("number").GetInt32()}");
        Assert.Equal(ids.Count + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task RuntimesListVersionsFromImages()
    {
        using var client = fixture.Client();

        var runtimes = await client.GetFromJsonAsync<Runtimes.RuntimeInfo[]>("/api/runtimes", Json);

        Assert.NotNull(runtimes);
        Assert.Equal(["3.11", "3.13"], runtimes.Select(r => r.PythonVersion).ToArray());
        Assert.Equal([true, false], runtimes.Select(r => r.IsDefault).ToArray());
        Assert.Equal("3.11.2", runtimes[0].FullPythonVersion);
        Assert.StartsWith("3.13.", runtimes[1].FullPythonVersion, StringComparison.Ordinal);
        Assert.Equal("2.2.4", runtimes[1].Libraries["numpy"]);
        Assert.Equal("3.1.1", runtimes[1].Libraries["cloudpickle"]);
        Assert.Contains("xgboost", runtimes[0].Modules);

        // A library the image cannot import is left out of the list, so each missing one fails here by name.
        string[] promised = ["numpy", "pandas", "scipy", "sklearn", "xgboost", "cloudpickle", "joblib"];
        foreach (var runtime in runtimes)
        {
            Assert.Equal(promised, promised.Where(runtime.Libraries.ContainsKey).ToArray());
        }
    }

    [Fact]
    public async Task UnknownModelGets404()
    {
        using var client = fixture.Client();

        using var get = await client.GetAsync("/api/models/model-does-not-exist");
        using var upload = await client.PostAsync("/api/models/model-does-not-exist/upload", UploadForm([0x80, 0x05, 0x2e], "model.pkl", "3.11"));
        using var run = await client.GetAsync("/api/runs/run-does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Contains("No model has the id 'model-does-not-exist'", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
    }

    private static MultipartFormDataContent UploadForm(byte[] bytes, string fileName, string pythonVersion)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent
        {
            { new StringContent(pythonVersion), "python_version" },
            { file, "file", fileName },
        };
    }

    private static async Task<RunSnapshot> WaitForEndAsync(HttpClient client, string runId)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        RunSnapshot? run = null;
        while (DateTime.UtcNow < stopAt)
        {
            run = await client.GetFromJsonAsync<RunSnapshot>($"/api/runs/{runId}", Json);
            if (run!.IsTerminal)
            {
                return run;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"run {runId} did not end; last status {run?.Status}: {run?.Description}");
    }

    /// <summary>
    /// The silo process, its database and storage, the dataset, the trained pickle, and an
    /// administrator made by the create-admin command, whose key every client sends.
    /// </summary>
    public sealed class SiloFixture : IAsyncLifetime
    {
        private TestDatabase? _database;

        internal SiloProcess Silo { get; private set; } = null!;

        internal ApiUser Administrator { get; private set; } = null!;

        public string LiveFile { get; private set; } = "";

        public string ValidationFile { get; private set; } = "";

        public string StorageRoot { get; private set; } = "";

        public string XgboostPickle { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var work = TestEnvironment.NewWorkDirectory("e2e");
            var dataset = Path.Combine(work, "dataset");
            await new SyntheticDataset { LiveRows = 5000, FeatureCount = 300, TrainEras = 20, ValidationEras = 4, RowsPerEra = 500 }
                .WriteAsync(dataset, CancellationToken.None);
            LiveFile = Path.Combine(dataset, "live.parquet");
            ValidationFile = Path.Combine(dataset, "validation.parquet");

            var train = Path.Combine(work, "train");
            StagedFeatures.Write(await ParquetFeatureReader.ReadAsync(Path.Combine(dataset, "train.parquet"), CancellationToken.None), train);
            XgboostPickle = await TestPickles.TrainXgboostAsync(train);

            _database = await TestDatabase.CreateAsync(applySchema: false);
            StorageRoot = Path.Combine(work, "store");
            Silo = await SiloProcess.StartAsync(_database.ConnectionString, StorageRoot);
            Administrator = await AdministratorCommand.CreateAsync(Silo, _database.ConnectionString, "e2e-admin");
            using var client = Client();
            using var round = await client.PostAsJsonAsync("/api/rounds", new { liveFile = LiveFile });
            Assert.True(round.StatusCode == HttpStatusCode.Created, await round.Content.ReadAsStringAsync());
        }

        public async Task RestartAsync()
        {
            var ports = Silo.Ports;
            Silo.Dispose();
            Silo = await SiloProcess.StartAsync(_database!.ConnectionString, StorageRoot, ports: ports);
        }

        public HttpClient Client() => Administrator.Client(Silo.Address);

        public static async Task<string> CreateModelAsync(HttpClient client, string name)
        {
            using var response = await client.PostAsJsonAsync("/api/models", new { name });
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<ModelSnapshot>(Json))!.ModelId;
        }

        /// <summary>Every file under the pickle store, so a test can see that a rejected upload left none.</summary>
        public string[] StoredFiles()
        {
            var pickles = Path.Combine(StorageRoot, "pickles");
            return Directory.Exists(pickles)
                ? Directory.GetFiles(pickles, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
                : [];
        }

        public async Task DisposeAsync()
        {
            Silo?.Dispose();
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
        }
    }
}
