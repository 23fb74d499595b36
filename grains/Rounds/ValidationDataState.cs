namespace ModelUploads.Rounds;

/// <summary>The staged validation data, if any.</summary>
[GenerateSerializer, Alias("ModelUploads.ValidationDataState")]
public sealed class ValidationDataState
{
    [Id(0)] public ValidationDataInfo? Current { get; set; }
}
