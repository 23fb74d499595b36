namespace ModelUploads.Models;

/// <summary>
/// An uploaded pickle in the content-addressed store, with the top-level modules its
/// opcodes reference, as the gateway's scan found them without unpickling.
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.PickleReference")]
public sealed record PickleReference(
    [property: Id(0)] string Sha256,
    [property: Id(1)] long SizeBytes,
    [property: Id(2)] string FileName,
    [property: Id(3)] string PythonVersion,
    [property: Id(4)] DateTimeOffset UploadedAt,
    [property: Id(5)] IReadOnlyList<string> Modules);
