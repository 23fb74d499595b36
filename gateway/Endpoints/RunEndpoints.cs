using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Errors;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Runs: status with its timeline, and the log.</summary>
public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder routes)
    {
        var runs = routes.MapGroup("/api/runs").WithTags("Runs");
        runs.MapGet("/{runId}", GetAsync);
        runs.MapGet("/{runId}/log", GetLogAsync);
        return routes;
    }

    private static async Task<Ok<RunSnapshot>> GetAsync(string runId, IGrainFactory grains)
    {
        var run = await grains.GetGrain<IRunGrain>(runId).GetAsync()
            ?? throw ModelUploadsException.NotFound("Run", runId);
        return TypedResults.Ok(run);
    }

    private static async Task<ContentHttpResult> GetLogAsync(string runId, IGrainFactory grains)
    {
        var log = await grains.GetGrain<IRunGrain>(runId).GetLogAsync()
            ?? throw ModelUploadsException.NotFound("Run", runId);
        return TypedResults.Text(log, "text/plain; charset=utf-8");
    }
}
