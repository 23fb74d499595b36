namespace ModelUploads.Operations;

/// <summary>The platform failures recorded so far, oldest first.</summary>
[GenerateSerializer, Alias("ModelUploads.OperationsState")]
public sealed class OperationsState
{
    [Id(0)] public List<PlatformFailure> PlatformFailures { get; set; } = [];
}
