using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ModelUploads.Accounts;

namespace ModelUploads.Gateway.Auth;

/// <summary>
/// Authenticates `Authorization: Token PUBLIC_ID$SECRET`: the key must exist, must not be
/// revoked, and the secret must match its stored hash. A request without the header is
/// anonymous, so only endpoints that allow anonymous access serve it. A challenge responds
/// with 401, a WWW-Authenticate header and a ProblemDetails body that states what was wrong with the key.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IGrainFactory grains,
    ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string TitleItem = "modeluploads:problem-title";

    private const string AskForKey = "Ask an administrator for a new key (POST /api/users/{userId}/keys).";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthenticateResult.NoResult();
        }

        var parts = header.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!parts[0].Equals(ApiKeyDefaults.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(
                "Unsupported authorization scheme",
                $"The Authorization header uses the scheme '{parts[0]}', which this API does not accept. "
                + "Send 'Authorization: Token PUBLIC_ID$SECRET'.");
        }

        if (parts.Length < 2 || !ApiKeyToken.TryParse(parts[1], out var token))
        {
            return Reject(
                "Malformed API key",
                "The Authorization header's key is not in the form PUBLIC_ID$SECRET. Send the whole key as it was shown "
                + "when it was created, public id and secret joined by '$', after 'Token '. In a shell, quote it with single quotes.");
        }

        var key = await grains.GetGrain<IApiKeyGrain>(token.PublicId).GetAsync();
        if (key is null)
        {
            LogUnknownKey(Logger, token.PublicId);
            return Reject("Unknown API key", $"No API key has the public id '{token.PublicId}'. Check the key. {AskForKey}");
        }

        if (key.Revoked)
        {
            LogRevokedKeyUsed(Logger, key.PublicId, key.UserId);
            return Reject(
                "Revoked API key",
                $"The API key '{key.PublicId}' was revoked at {key.RevokedAt:yyyy-MM-dd HH:mm:ss} UTC and no longer works. {AskForKey}");
        }

        if (!verifier.Verify(key, token.Secret))
        {
            LogWrongSecret(Logger, key.PublicId, key.UserId);
            return Reject(
                "Wrong API key secret",
                $"The secret does not match the API key '{key.PublicId}'. Send the secret that was shown when the key was created; "
                + $"it cannot be shown again, so if it is lost: {AskForKey}");
        }

        var user = await grains.GetGrain<IUserGrain>(key.UserId).GetAsync();
        if (user is null)
        {
            LogKeyWithoutUser(Logger, key.PublicId, key.UserId);
            return Reject("Unknown user", $"The API key '{key.PublicId}' belongs to no user. {AskForKey}");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId),
            new(ClaimTypes.Name, user.Name),
            new(Caller.PublicIdClaim, key.PublicId),
            new(Caller.ActiveClaim, user.Active ? "true" : "false"),
        };
        if (user.IsAdministrator && user.Active)
        {
            claims.Add(new Claim(ClaimTypes.Role, Caller.AdministratorRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var title = result.Properties?.Items.TryGetValue(TitleItem, out var rejection) == true && rejection is not null
            ? rejection
            : "Missing API key";
        var detail = result.Failure?.Message
            ?? "The request has no API key. Send the header 'Authorization: Token PUBLIC_ID$SECRET' with a key that an "
            + "administrator created for you. The first administrator's key comes from the silo's create-admin command.";

        Response.Headers.WWWAuthenticate = $"{ApiKeyDefaults.Scheme} realm=\"{ApiKeyDefaults.Realm}\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, title, detail);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var caller = Caller.From(Context.User);
        var reason = caller.Active
            ? $"the key '{caller.PublicId}' belongs to user '{caller.UserId}', who is not an administrator"
            : $"the account '{caller.UserId}' of the key '{caller.PublicId}' was deactivated, so it has no administrator rights";
        await WriteProblemAsync(
            StatusCodes.Status403Forbidden,
            "Administrator key required",
            $"{Request.Method} {Request.Path} is for administrators, and {reason}. Ask an administrator to do it for you.");
    }

    private static AuthenticateResult Reject(string title, string detail) =>
        AuthenticateResult.Fail(detail, new AuthenticationProperties(new Dictionary<string, string?> { [TitleItem] = title }));

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rejected a request with the unknown API key {PublicId}")]
    private static partial void LogUnknownKey(ILogger logger, string publicId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request with the revoked API key {PublicId} of user {UserId}")]
    private static partial void LogRevokedKeyUsed(ILogger logger, string publicId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request with a wrong secret for API key {PublicId} of user {UserId}")]
    private static partial void LogWrongSecret(ILogger logger, string publicId, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "API key {PublicId} names user {UserId}, who does not exist")]
    private static partial void LogKeyWithoutUser(ILogger logger, string publicId, string userId);
}
