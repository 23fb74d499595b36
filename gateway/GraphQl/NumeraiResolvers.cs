using GraphQL;
using ModelUploads.Accounts;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;
using ModelUploads.Models;
using ModelUploads.Runtimes;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>Checks and look-ups that the GraphQL resolvers share.</summary>
internal static class NumeraiResolvers
{
    /// <summary>Numerai's id of the Classic tournament, the one tournament of this platform.</summary>
    public const int ClassicTournament = 8;

    /// <summary>The one data version: rounds in the layout of Numerai's dataset v5.0.</summary>
    public static readonly ComputePickleOption DataVersion = new("v5.0", "v5.0");

    /// <summary>The key of the user context entry with the authentication failure's message.</summary>
    public const string AuthenticationFailureKey = "authenticationFailure";

    /// <summary>The key of the user context entry with the address of this gateway, such as http://127.0.0.1:5080.</summary>
    public const string GatewayAddressKey = "gatewayAddress";

    /// <summary>Returns the authenticated caller, or raises a GraphQL error with the authentication failure's message.</summary>
    public static Caller RequireCaller(IResolveFieldContext context)
    {
        if (context.User is { Identity.IsAuthenticated: true } user)
        {
            return Caller.From(user);
        }

        var failure = context.UserContext.TryGetValue(AuthenticationFailureKey, out var message) ? message as string : null;
        throw new ExecutionError(
            failure
            ?? "The request has no API key. Send the header 'Authorization: Token PUBLIC_ID$SECRET', which numerapi sends "
            + "when it is created as NumerAPI(public_id, secret) with a key that an administrator created for you.");
    }

    /// <summary>
    /// Returns the caller's model with the given id, or the caller's only model when the id is null.
    /// Another user's model raises exactly the not-found of an id that does not exist.
    /// </summary>
    public static async Task<ModelSnapshot> OwnModelAsync(IGrainFactory grains, Caller caller, string? modelId)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            var user = await grains.GetGrain<IUserGrain>(caller.UserId).GetAsync();
            var modelIds = user?.ModelIds ?? [];
            if (modelIds.Count != 1)
            {
                throw new ExecutionError(
                    $"The account has {modelIds.Count} models, so the request must name one: pass model_id, "
                    + "for example napi.get_models()['MODEL_NAME'].");
            }

            modelId = modelIds[0];
        }

        var model = await grains.GetGrain<IModelGrain>(modelId).GetAsync();
        return model.Owner == caller.UserId ? model : throw ModelUploadsException.NotFound("Model", modelId);
    }

    /// <summary>Returns one docker image per runtime, with the Python version as the id and "Python X.Y" as the name.</summary>
    public static async Task<ComputePickleOption[]> DockerImagesAsync(IGrainFactory grains)
    {
        var runtimes = await grains.GetGrain<IRuntimeCatalogGrain>(0).ListAsync();
        return runtimes.Select(runtime => new ComputePickleOption($"Python {runtime.PythonVersion}", runtime.PythonVersion)).ToArray();
    }

    /// <summary>Returns the Python version of a docker image id or name; null selects the default runtime.</summary>
    public static async Task<string> PythonVersionAsync(IGrainFactory grains, string? dockerImageId)
    {
        var runtimes = await grains.GetGrain<IRuntimeCatalogGrain>(0).ListAsync();
        if (string.IsNullOrEmpty(dockerImageId))
        {
            return runtimes.FirstOrDefault(runtime => runtime.IsDefault)?.PythonVersion
                ?? (runtimes.Count > 0 ? runtimes[0].PythonVersion : null)
                ?? throw new ExecutionError("The platform has no runtime. Ask an administrator to build a runtime image.");
        }

        var version = Endpoints.ModelEndpoints.NormalizePythonVersion(dockerImageId);
        if (runtimes.Any(runtime => runtime.PythonVersion == version))
        {
            return version;
        }

        var known = string.Join(", ", runtimes.Select(runtime => $"'{runtime.PythonVersion}' (Python {runtime.PythonVersion})"));
        throw new ExecutionError(
            $"No docker image has the id or name '{dockerImageId}'. Use one of the ids or names that "
            + $"computePickleDockerImages returns: {known}.");
    }

    /// <summary>Raises a GraphQL error unless the data version id is null or the one data version.</summary>
    public static void CheckDataVersion(string? dataVersionId)
    {
        if (dataVersionId is not null && dataVersionId != DataVersion.Id && dataVersionId != DataVersion.Name)
        {
            throw new ExecutionError(
                $"No data version has the id '{dataVersionId}'. Leave data_version out, or pass '{DataVersion.Id}', "
                + "the one data version that computePickleDataVersions returns.");
        }
    }
}
