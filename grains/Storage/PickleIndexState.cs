namespace ModelUploads.Storage;

/// <summary>The models that refer to each stored pickle, by digest.</summary>
[GenerateSerializer, Alias("ModelUploads.PickleIndexState")]
public sealed class PickleIndexState
{
    [Id(0)] public Dictionary<string, HashSet<string>> ModelsByPickle { get; set; } = [];
}
