namespace ModelUploads.Docker;

/// <summary>Labels on every sandbox container, so a restarted silo can find, adopt or remove it.</summary>
internal static class SandboxLabels
{
    public const string System = "modeluploads.system";
    public const string SystemValue = "modeluploads";
    public const string RunId = "modeluploads.run";

    /// <summary>The Orleans service id of the silo that made the container, so services that share an engine leave each other's alone.</summary>
    public const string Service = "modeluploads.service";
    public const string ModelId = "modeluploads.model";
    public const string Round = "modeluploads.round";
    public const string Attempt = "modeluploads.attempt";
}
