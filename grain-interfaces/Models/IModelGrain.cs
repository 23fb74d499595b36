using ModelUploads.Runs;
using Orleans.Concurrency;

namespace ModelUploads.Models;

/// <summary>
/// One model: its uploaded pickle, the runtime it was uploaded for, whether its
/// compute configuration is enabled, and its runs and submissions. Keyed by the
/// model id. A new round's opening starts the model's live run for it, and the
/// model's reminder starts that run when the notification was lost.
/// </summary>
[Alias("ModelUploads.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    /// <summary>Creates the model for an owner; creating one that exists raises a conflict.</summary>
    [Alias("Create")]
    Task<ModelSnapshot> CreateAsync(string name, string owner);

    /// <summary>Returns the model; raises not-found when it was never created.</summary>
    [Alias("Get")]
    Task<ModelSnapshot> GetAsync();

    /// <summary>
    /// Raises the error an upload would get now: model not found, compute enabled,
    /// unknown Python version, or a referenced top-level module the runtime lacks.
    /// The gateway calls it before it keeps any byte of the upload.
    /// </summary>
    [Alias("CheckUploadAllowed")]
    Task CheckUploadAllowedAsync(string pythonVersion, IReadOnlyList<string> modules);

    /// <summary>Records a stored pickle as the model's upload and runs it for the open round.</summary>
    [Alias("SetUpload")]
    Task<UploadReceipt> SetUploadAsync(PickleReference pickle);

    /// <summary>Removes the upload, which stops the daily runs and allows compute and API submissions again.</summary>
    [Alias("RemoveUpload")]
    Task<ModelSnapshot> RemoveUploadAsync();

    /// <summary>Enables or disables the model's compute configuration.</summary>
    [Alias("SetComputeEnabled")]
    Task<ModelSnapshot> SetComputeEnabledAsync(bool enabled);

    /// <summary>Starts a live run for the open round now; returns its run id.</summary>
    [Alias("Trigger")]
    Task<string> TriggerAsync();

    /// <summary>
    /// Validates an `id,prediction` CSV file on the shared storage against the open
    /// round and stores it as the model's submission. A model with an upload takes none.
    /// </summary>
    [Alias("SubmitPredictions")]
    Task<SubmissionInfo> SubmitPredictionsAsync(string csvPath);

    /// <summary>
    /// Disables the model: neither a round's opening nor its reminder starts another run,
    /// and uploads, triggers and API submissions raise a conflict that gives the reason.
    /// Runs already started go on. Disabling a disabled model keeps its first reason.
    /// </summary>
    [Alias("Disable")]
    Task<ModelSnapshot> DisableAsync(string reason);

    /// <summary>Called by a run grain when its run reaches a terminal status.</summary>
    [Alias("OnRunFinished")]
    Task OnRunFinishedAsync(RunSnapshot run);

    /// <summary>
    /// Starts the live run for the open round unless the model already has one, is disabled
    /// or has no upload. The rounds grain sends it to every model with an upload after it
    /// stores a new round. The call is one-way, so the model logs its own errors and its
    /// reminder starts the run later.
    /// </summary>
    [Alias("OnRoundOpened"), OneWay]
    Task OnRoundOpenedAsync(int round);
}
