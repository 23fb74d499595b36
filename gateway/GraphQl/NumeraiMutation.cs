using GraphQL;
using GraphQL.Types;
using ModelUploads.Errors;
using ModelUploads.Gateway.Uploads;
using ModelUploads.Models;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The mutations of Numerai's API that numerapi sends for model uploads.</summary>
internal sealed class NumeraiMutation : ObjectGraphType
{
    public NumeraiMutation()
    {
        Name = "RootMutationType";

        Field<NonNullGraphType<CreatedUploadType>>("createComputePickleUpload")
            .Description("Records the file PUT to a computePickleUploadAuth address as the model's upload and starts its runs.")
            .Argument<NonNullGraphType<StringGraphType>>("filename")
            .Argument<NonNullGraphType<IntGraphType>>("tournament")
            .Argument<StringGraphType>("modelId")
            .Argument<StringGraphType>("dataVersionId")
            .Argument<StringGraphType>("dockerImageId")
            .ResolveAsync(async context => await CreateUploadAsync(context));
    }

    /// <summary>Applies the rules of the HTTP upload: the model grain checks the upload, then records it and starts its runs.</summary>
    private static async Task<object?> CreateUploadAsync(IResolveFieldContext context)
    {
        var caller = NumeraiResolvers.RequireCaller(context);
        var grains = context.RequestServices!.GetRequiredService<IGrainFactory>();
        var uploads = context.RequestServices!.GetRequiredService<PendingUploads>();
        var store = context.RequestServices!.GetRequiredService<PickleStore>();

        var filename = context.GetArgument<string>("filename");
        var token = filename.Split('/')[0];
        var pending = uploads.Find(token);
        if (pending is null || pending.UserId != caller.UserId)
        {
            throw new ExecutionError(
                $"No pending upload has the file name '{filename}', or its address expired. Call computePickleUploadAuth, "
                + $"PUT the file to its url within {PendingUploads.Lifetime.TotalMinutes} minutes, then pass the filename it returned.");
        }

        var tournament = context.GetArgument<int>("tournament");
        if (tournament != NumeraiResolvers.ClassicTournament)
        {
            throw new ExecutionError(
                $"Tournament {tournament} is not run here; models take part in tournament {NumeraiResolvers.ClassicTournament} (Classic).");
        }

        var modelId = context.GetArgument<string?>("modelId");
        if (!string.IsNullOrEmpty(modelId) && modelId != pending.ModelId)
        {
            throw new ExecutionError(
                $"The upload address of '{filename}' was issued for model '{pending.ModelId}', not '{modelId}'. "
                + "Pass the same model_id to both calls.");
        }

        NumeraiResolvers.CheckDataVersion(context.GetArgument<string?>("dataVersionId"));
        var pythonVersion = await NumeraiResolvers.PythonVersionAsync(grains, context.GetArgument<string?>("dockerImageId"));
        if (pending.Staged is not { } staged)
        {
            throw new ExecutionError(
                $"The file '{pending.FileName}' was not PUT to its upload address yet. Send it with an HTTP PUT to the url "
                + "that computePickleUploadAuth returned, then call createComputePickleUpload.");
        }

        var snapshot = await NumeraiResolvers.OwnModelAsync(grains, caller, pending.ModelId);
        if (snapshot.Disabled)
        {
            throw ModelUploadsException.ModelDisabled(snapshot.Name, snapshot.DisabledReason ?? "");
        }

        // A rejection leaves the entry in place, so the caller can fix the cause and call again until it expires.
        var model = grains.GetGrain<IModelGrain>(pending.ModelId);
        await model.CheckUploadAllowedAsync(pythonVersion, pending.Modules);

        // Taking the entry makes the address one-time: a second call with the same file name finds nothing.
        if (!uploads.TryTake(pending))
        {
            throw new ExecutionError($"The upload '{filename}' was already recorded by another request.");
        }

        var stored = store.Commit(staged);
        try
        {
            var pickle = new PickleReference(
                stored.Sha256, stored.SizeBytes, pending.FileName, pythonVersion, DateTimeOffset.UtcNow, pending.Modules);
            await model.SetUploadAsync(pickle);
            return new CreatedUpload(stored.Sha256);
        }
        catch when (stored.CreatedFile)
        {
            // Nothing may stay stored for a rejected upload; a file that was there before is another upload's.
            File.Delete(stored.Path);
            throw;
        }
    }
}
