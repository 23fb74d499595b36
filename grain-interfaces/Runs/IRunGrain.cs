using Orleans.Concurrency;

namespace ModelUploads.Runs;

/// <summary>
/// One run of one model: a state machine that drives one sandbox container from
/// Pending to a terminal status. Keyed by the run id.
/// </summary>
[Alias("ModelUploads.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Queues the run. Calling it again with the same request changes nothing.</summary>
    [Alias("Start")]
    Task<RunSnapshot> StartAsync(RunRequest request);

    /// <summary>Returns the run's status, or null when no run has this id.</summary>
    /// <remarks>Interleaves with the run's own steps, so a status read never waits for the engine.</remarks>
    [Alias("Get"), AlwaysInterleave]
    Task<RunSnapshot?> GetAsync();

    /// <summary>Returns the run's log: the platform's lines and the container's output.</summary>
    [Alias("GetLog"), AlwaysInterleave]
    Task<string?> GetLogAsync();

    /// <summary>
    /// Makes the run take its next step now instead of at its next poll. The run's wake
    /// callback in the silo's slot queue sends it when a slot frees while this run is first.
    /// </summary>
    /// <remarks>One-way, and it changes no run state, so a wake that arrives late or twice is harmless.</remarks>
    [Alias("Wake"), OneWay]
    Task WakeAsync();
}
