namespace ModelUploads.Errors;

/// <summary>
/// A request the platform rejects, with a message that states what was wrong and
/// what to do. Grains raise it; the gateway turns it into ProblemDetails.
/// </summary>
[GenerateSerializer, Alias("ModelUploads.ModelUploadsException")]
public sealed class ModelUploadsException : Exception
{
    public ModelUploadsException(ProblemKind kind, string title, string message)
        : base(message)
    {
        Kind = kind;
        Title = title;
    }

    [Id(0)] public ProblemKind Kind { get; }

    /// <summary>A short summary, the ProblemDetails title.</summary>
    [Id(1)] public string Title { get; }

    public static ModelUploadsException NotFound(string what, string id) =>
        new(ProblemKind.NotFound, $"{what} not found", $"No {what.ToLowerInvariant()} has the id '{id}'. Check the id; it is the one the create call returned.");

    /// <summary>The not-found of an API key's public id.</summary>
    public static ModelUploadsException ApiKeyNotFound(string publicId) =>
        new(
            ProblemKind.NotFound,
            "API key not found",
            $"No API key has the public id '{publicId}'. Check the id; it is the part of the key before the '$'.");

    /// <summary>The conflict that every upload, trigger and submission of a disabled model gets.</summary>
    public static ModelUploadsException ModelDisabled(string modelName, string reason) =>
        new(
            ProblemKind.Conflict,
            "Model disabled",
            $"Model '{modelName}' was disabled by an administrator, so it takes no uploads, runs or submissions. "
            + $"The reason given: \"{reason}\". Ask an administrator if you think this is a mistake.");
}
