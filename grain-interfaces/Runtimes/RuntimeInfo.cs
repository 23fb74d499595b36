namespace ModelUploads.Runtimes;

/// <summary>
/// A sandbox runtime image, with the Python and library versions and the top-level
/// importable modules, all read from the image itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RuntimeInfo")]
public sealed record RuntimeInfo(
    [property: Id(0)] string PythonVersion,
    [property: Id(1)] string Image,
    [property: Id(2)] string ImageId,
    [property: Id(3)] string FullPythonVersion,
    [property: Id(4)] IReadOnlyDictionary<string, string> Libraries,
    [property: Id(5)] bool IsDefault,
    [property: Id(6)] IReadOnlyList<string> Modules);
