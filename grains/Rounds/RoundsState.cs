namespace ModelUploads.Rounds;

/// <summary>Every round that has opened, oldest first.</summary>
[GenerateSerializer, Alias("ModelUploads.RoundsState")]
public sealed class RoundsState
{
    [Id(0)] public List<RoundInfo> Rounds { get; set; } = [];
}
