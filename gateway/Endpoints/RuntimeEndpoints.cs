using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Runtimes;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Runtimes: the Python versions on offer, with the library versions read from each image.</summary>
public static class RuntimeEndpoints
{
    public static IEndpointRouteBuilder MapRuntimeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/runtimes", ListAsync).WithTags("Runtimes");
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<RuntimeInfo>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IRuntimeCatalogGrain>(0).ListAsync());
}
