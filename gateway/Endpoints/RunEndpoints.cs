using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Runs: status with its timeline, the log and the inputs, for the owner of the run's model and administrators.</summary>
public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/api/runs").WithTags("Runs");
        runs.MapGet("/{runId}", GetAsync);
        runs.MapGet("/{runId}/log", GetLogAsync);
        runs.MapGet("/{runId}/inputs.tar", GetInputsAsync);
        return routes;
    }

    private static async Task<Ok<RunSnapshot>> GetAsync(string runId, ClaimsPrincipal principal, IGrainFactory grains) =>
        TypedResults.Ok(await ModelAccess.ReadRunAsync(grains, Caller.From(principal), runId));

    /// <summary>Streams the run's pickle and features as a tar archive, for reproducing the run locally.</summary>
    private static async Task GetInputsAsync(
        string runId, HttpContext context, IGrainFactory grains, Microsoft.Extensions.Options.IOptions<GatewayOptions> options)
    {
        var run = await ModelAccess.ReadRunAsync(grains, Caller.From(context.User), runId);
        context.Response.ContentType = "application/x-tar";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{runId}-inputs.tar\"";
        await RunInputsArchive.WriteAsync(context.Response.Body, run, options.Value.Root, grains, context.RequestAborted);
    }

    private static async Task<ContentHttpResult> GetLogAsync(string runId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        await ModelAccess.ReadRunAsync(grains, Caller.From(principal), runId);
        var log = await grains.GetGrain<IRunGrain>(runId).GetLogAsync()
            ?? throw ModelUploadsException.NotFound("Run", runId);
        return TypedResults.Text(log, "text/plain; charset=utf-8");
    }
}
