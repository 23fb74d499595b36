using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Gateway.Auth;
using ModelUploads.Operations;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Operator views: runs that the platform failed for good.</summary>
public static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperatorEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/operator/platform-failures", ListPlatformFailuresAsync)
            .WithTags("Operator")
            .RequireAuthorization(AuthorizationPolicies.Administrator);
        return routes;
    }

    private static async Task<Ok<IReadOnlyList<PlatformFailure>>> ListPlatformFailuresAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IOperationsGrain>(0).ListPlatformFailuresAsync());
}
