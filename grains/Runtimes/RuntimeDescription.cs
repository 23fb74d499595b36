using System.Text.Json;

namespace ModelUploads.Runtimes;

/// <summary>What `runner.py --describe` prints: the Python version and each library's version or null, and the importable top-level modules.</summary>
internal sealed class RuntimeDescription
{
    internal static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public string Python { get; init; } = "";

    public Dictionary<string, string?> Libraries { get; init; } = [];

    public List<string> Modules { get; init; } = [];
}
