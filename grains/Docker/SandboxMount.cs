namespace ModelUploads.Docker;

/// <summary>A host path bound into the container.</summary>
internal sealed record SandboxMount(string Source, string Target, bool ReadOnly);
