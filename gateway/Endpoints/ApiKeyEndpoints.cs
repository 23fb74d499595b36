using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Accounts;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>API keys: administrators look them up and revoke them. Keys are created under their user.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(AuthorizationPolicies.Administrator);
        keys.MapGet("/{publicId}", GetAsync);
        keys.MapDelete("/{publicId}", RevokeAsync);
        return routes;
    }

    /// <summary>An API key as the API shows it, without its hash.</summary>
    public sealed record ApiKeyResponse(string PublicId, string UserId, DateTimeOffset CreatedAt, bool Revoked, DateTimeOffset? RevokedAt)
    {
        public static ApiKeyResponse From(ApiKeySnapshot key) => new(key.PublicId, key.UserId, key.CreatedAt, key.Revoked, key.RevokedAt);
    }

    private static async Task<Ok<ApiKeyResponse>> GetAsync(string publicId, IGrainFactory grains)
    {
        var key = await grains.GetGrain<IApiKeyGrain>(publicId).GetAsync()
            ?? throw Errors.ModelUploadsException.ApiKeyNotFound(publicId);
        return TypedResults.Ok(ApiKeyResponse.From(key));
    }

    /// <summary>Revokes the key at once: the next request that sends it gets 401.</summary>
    private static async Task<Ok<ApiKeyResponse>> RevokeAsync(string publicId, IGrainFactory grains) =>
        TypedResults.Ok(ApiKeyResponse.From(await grains.GetGrain<IApiKeyGrain>(publicId).RevokeAsync()));
}
