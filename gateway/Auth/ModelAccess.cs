using ModelUploads.Errors;
using ModelUploads.Models;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.Auth;

/// <summary>
/// Ownership checks of the model and run endpoints. A model's owner reads and changes it,
/// and an administrator reads every model. Anyone else gets exactly the not-found of an id
/// that does not exist, so a response never reveals whether another user's model exists.
/// </summary>
internal static class ModelAccess
{
    /// <summary>Returns the model when the caller owns it or is an administrator; raises the model's not-found otherwise.</summary>
    public static async Task<ModelSnapshot> ReadAsync(IGrainFactory grains, Caller caller, string modelId)
    {
        var model = await grains.GetGrain<IModelGrain>(modelId).GetAsync();
        return CanRead(caller, model) ? model : throw ModelUploadsException.NotFound("Model", modelId);
    }

    /// <summary>
    /// Returns the model when the caller owns it. An administrator who does not own it gets
    /// forbidden, because they can see it, and anyone else the model's not-found.
    /// </summary>
    public static async Task<ModelSnapshot> ChangeAsync(IGrainFactory grains, Caller caller, string modelId)
    {
        var model = await ReadAsync(grains, caller, modelId);
        if (model.Owner != caller.UserId)
        {
            throw new ModelUploadsException(
                ProblemKind.Forbidden,
                "Not the model's owner",
                $"Model '{modelId}' belongs to user '{model.Owner}', and only its owner can change it. "
                + $"An administrator can disable it with POST /api/models/{modelId}/disable.");
        }

        return model;
    }

    /// <summary>Returns the run when the caller may read its model; raises the run's not-found otherwise.</summary>
    public static async Task<RunSnapshot> ReadRunAsync(IGrainFactory grains, Caller caller, string runId)
    {
        var run = await grains.GetGrain<IRunGrain>(runId).GetAsync()
            ?? throw ModelUploadsException.NotFound("Run", runId);
        try
        {
            var model = await grains.GetGrain<IModelGrain>(run.ModelId).GetAsync();
            return CanRead(caller, model) ? run : throw ModelUploadsException.NotFound("Run", runId);
        }
        catch (ModelUploadsException exception) when (exception.Kind == ProblemKind.NotFound)
        {
            throw ModelUploadsException.NotFound("Run", runId);
        }
    }

    private static bool CanRead(Caller caller, ModelSnapshot model) => model.Owner == caller.UserId || caller.IsAdministrator;
}
