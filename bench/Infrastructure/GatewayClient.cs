using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelUploads.Models;
using ModelUploads.Runs;

namespace ModelUploads.Bench.Infrastructure;

/// <summary>The gateway's HTTP API as an administrator uses it, with the calls the benchmarks make.</summary>
public sealed class GatewayClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly HttpClient _client;

    public GatewayClient(Uri address, string apiKey)
    {
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", apiKey);
    }

    public async Task<string> CreateModelAsync(string name)
    {
        using var response = await _client.PostAsJsonAsync("/api/models", new { name });
        var model = await ReadAsync<ModelSnapshot>(response, "create model " + name);
        return model.ModelId;
    }

    /// <summary>Uploads the pickle as a multipart form, streamed from the file.</summary>
    public async Task<UploadReceipt> UploadAsync(string modelId, string picklePath, string pythonVersion)
    {
        await using var file = new FileStream(picklePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(file, 1 << 16), "file", Path.GetFileName(picklePath) },
            { new StringContent(pythonVersion), "python_version" },
        };
        using var response = await _client.PostAsync($"/api/models/{modelId}/upload", form);
        return await ReadAsync<UploadReceipt>(response, $"upload {picklePath} to model {modelId}");
    }

    public async Task<string> TriggerAsync(string modelId)
    {
        using var response = await _client.PostAsync($"/api/models/{modelId}/trigger", content: null);
        var trigger = await ReadAsync<JsonElement>(response, $"trigger model {modelId}");
        return trigger.GetProperty("runId").GetString()!;
    }

    public async Task DisableAsync(string modelId, string reason)
    {
        using var response = await _client.PostAsJsonAsync($"/api/models/{modelId}/disable", new { reason });
        await ReadAsync<JsonElement>(response, $"disable model {modelId}");
    }

    public async Task<RunSnapshot> GetRunAsync(string runId)
    {
        using var response = await _client.GetAsync($"/api/runs/{runId}");
        return await ReadAsync<RunSnapshot>(response, $"read run {runId}");
    }

    public async Task<RunSnapshot[]> ListRunsAsync(string modelId)
    {
        using var response = await _client.GetAsync($"/api/models/{modelId}/runs");
        return await ReadAsync<RunSnapshot[]>(response, $"list the runs of model {modelId}");
    }

    /// <summary>Polls the run until it is terminal; raises unless it ends in Success.</summary>
    public async Task<RunSnapshot> WaitForSuccessAsync(string runId, TimeSpan timeout, TimeSpan? pollInterval = null)
    {
        var stopAt = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < stopAt)
        {
            var run = await GetRunAsync(runId);
            if (run.IsTerminal)
            {
                return run.Status == RunStatus.Success
                    ? run
                    : throw new InvalidOperationException(
                        $"run {runId} of model {run.ModelId} ended in {run.Status} ({run.Reason}): {run.Description}\n{await GetLogAsync(runId)}");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"run {runId} did not end within {timeout}");
    }

    public async Task<string> GetLogAsync(string runId)
    {
        using var response = await _client.GetAsync($"/api/runs/{runId}/log");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Opens a round from a live parquet file on the shared storage; returns its number.</summary>
    public async Task<int> OpenRoundAsync(string liveFile)
    {
        using var response = await _client.PostAsJsonAsync("/api/rounds", new { liveFile });
        var round = await ReadAsync<JsonElement>(response, "open a round from " + liveFile);
        return round.GetProperty("number").GetInt32();
    }

    /// <summary>The open round's number, or null when none is open.</summary>
    public async Task<int?> CurrentRoundAsync()
    {
        using var response = await _client.GetAsync("/api/rounds/current");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var round = await ReadAsync<JsonElement>(response, "read the current round");
        return round.GetProperty("number").GetInt32();
    }

    /// <summary>Whether validation data is staged, in which case every upload also starts a validation run.</summary>
    public async Task<bool> HasValidationDataAsync()
    {
        using var response = await _client.GetAsync("/api/validation");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, "read the validation data");
        return true;
    }

    public async Task StageValidationAsync(string file)
    {
        using var response = await _client.PostAsJsonAsync("/api/validation", new { file });
        await ReadAsync<JsonElement>(response, "stage validation data from " + file);
    }

    /// <summary>Downloads the run's inputs archive and extracts it, and returns the folder that contains model.pkl.</summary>
    public async Task<string> DownloadInputsAsync(string runId, string directory)
    {
        Directory.CreateDirectory(directory);
        using var response = await _client.GetAsync($"/api/runs/{runId}/inputs.tar", HttpCompletionOption.ResponseHeadersRead);
        await EnsureSuccessAsync(response, $"download the inputs of run {runId}");
        await using var archive = await response.Content.ReadAsStreamAsync();
        await TarFile.ExtractToDirectoryAsync(archive, directory, overwriteFiles: true);
        return Path.Combine(directory, "input");
    }

    public void Dispose() => _client.Dispose();

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string action)
    {
        await EnsureSuccessAsync(response, action);
        return await response.Content.ReadFromJsonAsync<T>(Json)
            ?? throw new InvalidOperationException($"{action}: the gateway returned an empty body");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string action)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"{action} failed with HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
