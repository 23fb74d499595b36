using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Accounts;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Users: administrators create them, give them API keys and deactivate them.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users");
        users.MapPost("/", CreateAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        users.MapGet("/{userId}", GetAsync);
        users.MapPost("/{userId}/keys", CreateKeyAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        users.MapPost("/{userId}/deactivate", DeactivateAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        return routes;
    }

    public sealed record CreateUserRequest(string? Name, bool IsAdministrator);

    public sealed record DeactivateUserRequest(string? Reason);

    private static async Task<Created<UserSnapshot>> CreateAsync(CreateUserRequest request, IGrainFactory grains)
    {
        var user = await AccountProvisioner.CreateUserAsync(grains, request.Name ?? "", request.IsAdministrator);
        return TypedResults.Created($"/api/users/{user.UserId}", user);
    }

    /// <summary>A user sees their own account and an administrator every account; anyone else gets the not-found of a missing id.</summary>
    private static async Task<Ok<UserSnapshot>> GetAsync(string userId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var caller = Caller.From(principal);
        var user = caller.UserId == userId || caller.IsAdministrator ? await grains.GetGrain<IUserGrain>(userId).GetAsync() : null;
        return TypedResults.Ok(user ?? throw ModelUploadsException.NotFound("User", userId));
    }

    /// <summary>Creates an API key for the user; the response is the only place its secret ever appears.</summary>
    private static async Task<Created<IssuedApiKey>> CreateKeyAsync(string userId, IGrainFactory grains)
    {
        var key = await AccountProvisioner.IssueKeyAsync(grains, userId);
        return TypedResults.Created($"/api/keys/{key.PublicId}", key);
    }

    private static async Task<Ok<UserSnapshot>> DeactivateAsync(string userId, DeactivateUserRequest? request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request?.Reason))
        {
            throw Problems.Problems.Invalid(
                "Missing reason",
                "Send {\"reason\": \"...\"} with why the account is deactivated; each of its models shows the reason to its owner.");
        }

        return TypedResults.Ok(await grains.GetGrain<IUserGrain>(userId).DeactivateAsync(request.Reason));
    }
}
