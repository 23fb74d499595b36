using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelUploads.Data;

/// <summary>The contents of a staged folder's features.json.</summary>
public sealed class StagedFeaturesMetadata
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public required IReadOnlyList<string> Ids { get; init; }
    public required IReadOnlyList<string> Eras { get; init; }

    [JsonPropertyName("data_type")]
    public required IReadOnlyList<string> DataTypes { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    public IReadOnlyList<string> TargetNames { get; init; } = [];
}
