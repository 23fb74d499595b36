namespace ModelUploads.Runtimes;

/// <summary>A sandbox runtime image, with the versions read from the image itself.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RuntimeInfo")]
public sealed record RuntimeInfo(
    [property: Id(0)] string PythonVersion,
    [property: Id(1)] string Image,
    [property: Id(2)] string ImageId,
    [property: Id(3)] string FullPythonVersion,
    [property: Id(4)] IReadOnlyDictionary<string, string> Libraries,
    [property: Id(5)] bool IsDefault);
