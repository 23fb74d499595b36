using GraphQL;
using GraphQL.Types;
using ModelUploads.Models;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type Model.</summary>
internal sealed class ModelType : ObjectGraphType<ModelSnapshot>
{
    public ModelType()
    {
        Name = "Model";
        Field<NonNullGraphType<StringGraphType>>("id").Resolve(context => context.Source.ModelId);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(context => context.Source.Name);
        Field<NonNullGraphType<IntGraphType>>("tournament")
            .Description("Always 8, Numerai's id of the Classic tournament, which every model here takes part in.")
            .Resolve(_ => NumeraiResolvers.ClassicTournament);
        Field<ComputePickleUploadType>("computePickleUpload")
            .Description("The current upload and its runs; null when the model has no upload.")
            .ResolveAsync(async context => await ReadUploadAsync(context));
    }

    private static async Task<object?> ReadUploadAsync(IResolveFieldContext<ModelSnapshot> context)
    {
        var model = context.Source;
        if (model.Upload is not { } upload)
        {
            return null;
        }

        var grains = context.RequestServices!.GetRequiredService<IGrainFactory>();
        var runs = (await Task.WhenAll(model.RunIds.Select(id => grains.GetGrain<IRunGrain>(id).GetAsync())))
            .OfType<RunSnapshot>()
            .ToArray();
        var validation = runs.FirstOrDefault(run => run.RunId == model.ValidationRunId);
        var newestLive = runs.FirstOrDefault(run => run.Kind == RunKind.Live);
        return new ComputePickleUpload(
            upload.FileName,
            validation?.Status.ToString().ToLowerInvariant(),
            newestLive?.Status.ToString().ToLowerInvariant(),
            runs);
    }
}
