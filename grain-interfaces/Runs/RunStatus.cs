namespace ModelUploads.Runs;

/// <summary>The stage a run is in. Success, Failed and Error are terminal.</summary>
public enum RunStatus
{
    /// <summary>Waiting for a sandbox slot.</summary>
    Pending = 0,

    /// <summary>The container is running the model.</summary>
    Running = 1,

    /// <summary>The container exited and the silo is checking its predictions.</summary>
    Validating = 2,

    /// <summary>The predictions passed every check and are stored.</summary>
    Success = 3,

    /// <summary>The model's fault; never retried.</summary>
    Failed = 4,

    /// <summary>The platform's fault; retried while attempts remain.</summary>
    Error = 5,
}
