using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelUploads.Runs;

/// <summary>The runner's result.json, as the runner inside the container wrote it.</summary>
internal sealed class RunnerResult
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string Status { get; init; } = "";
    public string? Stage { get; init; }
    public string? ErrorType { get; init; }
    public string? Module { get; init; }
    public string? Message { get; init; }
    public string? Traceback { get; init; }
    public string? PythonVersion { get; init; }
    public long? PeakMemoryBytes { get; init; }
    public int? Rows { get; init; }

    [JsonIgnore]
    public bool Succeeded => Status == "success";

    /// <summary>Reads result.json; returns null when it is missing, too large or not valid JSON.</summary>
    public static RunnerResult? TryRead(string path, long limitBytes)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length > limitBytes)
        {
            return null;
        }

        try
        {
            using var stream = file.OpenRead();
            return JsonSerializer.Deserialize<RunnerResult>(stream, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
