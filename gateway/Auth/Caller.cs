using System.Security.Claims;

namespace ModelUploads.Gateway.Auth;

/// <summary>The user behind an authenticated request, read from the claims that <see cref="ApiKeyAuthenticationHandler"/> sets.</summary>
public sealed record Caller(string UserId, string PublicId, bool IsAdministrator, bool Active)
{
    /// <summary>The role claim of an active administrator, which the administrator policy requires.</summary>
    public const string AdministratorRole = "administrator";

    /// <summary>The claim that carries the public id of the request's API key.</summary>
    public const string PublicIdClaim = "modeluploads:key";

    /// <summary>The claim that is "false" when the account was deactivated.</summary>
    public const string ActiveClaim = "modeluploads:active";

    /// <summary>Reads the caller from an authenticated principal; raises when the request carries no valid key.</summary>
    public static Caller From(ClaimsPrincipal principal) =>
        new(
            principal.FindFirstValue(ClaimTypes.NameIdentifier)
                ?? throw new InvalidOperationException("The request has no authenticated user; the endpoint must require authorization."),
            principal.FindFirstValue(PublicIdClaim) ?? "",
            principal.IsInRole(AdministratorRole),
            principal.FindFirstValue(ActiveClaim) != "false");
}
