namespace ModelUploads.Runtimes;

/// <summary>
/// A runtime image saved as a `docker save` archive under the storage root, or
/// the news that it is still being written.
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.RuntimeArchive")]
public sealed record RuntimeArchive(
    [property: Id(0)] string PythonVersion,
    [property: Id(1)] bool Ready,
    [property: Id(2)] string Path,
    [property: Id(3)] string Image);
