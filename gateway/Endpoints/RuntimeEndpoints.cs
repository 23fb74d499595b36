using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Runtimes;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Runtimes: the Python versions on offer, with the library versions read from each image.</summary>
public static class RuntimeEndpoints
{
    public static IEndpointRouteBuilder MapRuntimeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/runtimes", ListAsync).WithTags("Runtimes");
        routes.MapGet("/api/runtimes/{pythonVersion}/image", GetImageAsync).WithTags("Runtimes");
        return routes;
    }

    /// <summary>
    /// Streams the runtime image as a `docker save` archive, which `docker load` reads. The
    /// first request starts writing the archive and returns 503 with Retry-After until it exists.
    /// </summary>
    private static async Task<IResult> GetImageAsync(string pythonVersion, HttpContext context, IGrainFactory grains)
    {
        var version = ModelEndpoints.NormalizePythonVersion(pythonVersion);
        var archive = await grains.GetGrain<IRuntimeCatalogGrain>(0).ExportImageAsync(version);
        if (!archive.Ready)
        {
            context.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Image archive in preparation",
                detail: $"The archive of {archive.Image} is being written; retry in 30 seconds.");
        }

        return TypedResults.File(File.OpenRead(archive.Path), "application/x-tar", $"modeluploads-runtime-py{version}.tar");
    }

    private static async Task<Ok<IReadOnlyList<RuntimeInfo>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IRuntimeCatalogGrain>(0).ListAsync());
}
