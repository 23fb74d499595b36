namespace ModelUploads.Docker;

/// <summary>One sandbox container to create: its name, image, labels and bind mounts.</summary>
internal sealed record SandboxContainerSpec(
    string Name,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<SandboxMount> Mounts);
