using GraphQL;
using GraphQL.Types;
using ModelUploads.Accounts;
using ModelUploads.Models;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The queries of Numerai's API that numerapi sends for model uploads.</summary>
internal sealed class NumeraiQuery : ObjectGraphType
{
    public NumeraiQuery()
    {
        Name = "RootQueryType";

        Field<NonNullGraphType<AccountType>>("account")
            .Description("The caller's account.")
            .ResolveAsync(async context => await ReadAccountAsync(context));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DataVersionType>>>>("computePickleDataVersions")
            .Resolve(context =>
            {
                NumeraiResolvers.RequireCaller(context);
                return new[] { NumeraiResolvers.DataVersion };
            });

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DockerImageType>>>>("computePickleDockerImages")
            .Description("One image per runtime; the id is the Python version.")
            .ResolveAsync(async context =>
            {
                NumeraiResolvers.RequireCaller(context);
                return await NumeraiResolvers.DockerImagesAsync(Grains(context));
            });

        Field<NonNullGraphType<FileUploadAuthType>>("computePickleUploadAuth")
            .Description("Issues a one-time address that takes an HTTP PUT of the pickle for "
                + $"{PendingUploads.Lifetime.TotalMinutes} minutes.")
            .Argument<NonNullGraphType<StringGraphType>>("filename")
            .Argument<StringGraphType>("modelId")
            .ResolveAsync(async context => await IssueUploadAsync(context));
    }

    private static IGrainFactory Grains(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<IGrainFactory>();

    private static async Task<object?> ReadAccountAsync(IResolveFieldContext context)
    {
        var caller = NumeraiResolvers.RequireCaller(context);
        var grains = Grains(context);
        var user = await grains.GetGrain<IUserGrain>(caller.UserId).GetAsync();
        var models = await Task.WhenAll((user?.ModelIds ?? []).Reverse().Select(async modelId =>
        {
            try
            {
                return await grains.GetGrain<IModelGrain>(modelId).GetAsync();
            }
            catch (Errors.ModelUploadsException exception) when (exception.Kind == Errors.ProblemKind.NotFound)
            {
                // The user grain records an id before it creates the model, so a crash in between leaves an id without one.
                return null;
            }
        }));
        return new Account(models.OfType<ModelSnapshot>().ToArray());
    }

    private static async Task<object?> IssueUploadAsync(IResolveFieldContext context)
    {
        var caller = NumeraiResolvers.RequireCaller(context);
        var model = await NumeraiResolvers.OwnModelAsync(Grains(context), caller, context.GetArgument<string?>("modelId"));
        if (model.Disabled)
        {
            throw Errors.ModelUploadsException.ModelDisabled(model.Name, model.DisabledReason ?? "");
        }

        var fileName = Endpoints.ModelEndpoints.SafeFileName(context.GetArgument<string>("filename"));
        var pending = context.RequestServices!.GetRequiredService<PendingUploads>().Issue(caller.UserId, model.ModelId, fileName);
        var gateway = (string)context.UserContext[NumeraiResolvers.GatewayAddressKey]!;
        var url = $"{gateway}{GraphQlEndpoints.UploadPath}/{pending.Token}";
        return new FileUploadAuth($"{pending.Token}/{fileName}", url);
    }
}
