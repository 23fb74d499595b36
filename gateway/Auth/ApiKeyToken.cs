using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace ModelUploads.Gateway.Auth;

/// <summary>
/// The two parts of an API key as a client sends it, `PUBLIC_ID$SECRET`. The public id
/// names the key, and the secret proves that the caller has it.
/// </summary>
/// <remarks>ToString shows only the public id, so a token written to a log never leaks its secret.</remarks>
public sealed class ApiKeyToken(string publicId, string secret)
{
    public const char Separator = '$';

    private const int MaxPublicIdLength = 64;
    private const int MaxSecretLength = 256;

    private static readonly SearchValues<char> IdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public string PublicId { get; } = publicId;

    public string Secret { get; } = secret;

    /// <summary>
    /// Parses `PUBLIC_ID$SECRET`. The public id must have 1 to 64 letters, digits, '-' or '_',
    /// and the secret 1 to 256 characters without whitespace or '$'.
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ApiKeyToken? token)
    {
        token = null;
        var separator = value?.IndexOf(Separator, StringComparison.Ordinal) ?? -1;
        if (value is null || separator <= 0)
        {
            return false;
        }

        var publicId = value[..separator];
        var secret = value[(separator + 1)..];
        if (publicId.Length > MaxPublicIdLength || publicId.AsSpan().ContainsAnyExcept(IdCharacters))
        {
            return false;
        }

        if (secret.Length is 0 or > MaxSecretLength || secret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == Separator))
        {
            return false;
        }

        token = new ApiKeyToken(publicId, secret);
        return true;
    }

    /// <summary>Returns the key in the form the Authorization header takes after "Token ".</summary>
    public string Format() => $"{PublicId}{Separator}{Secret}";

    public override string ToString() => PublicId;
}
