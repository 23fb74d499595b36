namespace ModelUploads.Gateway.Auth;

/// <summary>
/// A new API key as returned to its creator, the only time the secret is shown. The
/// owner sends `Authorization: Token {Key}` with every request.
/// </summary>
public sealed record IssuedApiKey(string PublicId, string UserId, string Key, DateTimeOffset CreatedAt);
