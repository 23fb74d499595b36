using System.Security.Cryptography;
using ModelUploads.Accounts;

namespace ModelUploads.Gateway.Auth;

/// <summary>Creates users and API keys through the grains; the HTTP endpoints and the silo's create-admin command both use it.</summary>
public static class AccountProvisioner
{
    private const int PublicIdBytes = 16;
    private const int SecretBytes = 32;

    public static Task<UserSnapshot> CreateUserAsync(IGrainFactory grains, string name, bool isAdministrator)
    {
        var userId = $"user-{Guid.NewGuid():N}"[..21];
        return grains.GetGrain<IUserGrain>(userId).CreateAsync(name, isAdministrator);
    }

    /// <summary>
    /// Makes a random public id and secret (32 and 64 hex digits, as long as Numerai's), stores
    /// only the secret's salted hash, and returns the key, the only time its secret is known.
    /// </summary>
    public static async Task<IssuedApiKey> IssueKeyAsync(IGrainFactory grains, string userId)
    {
        var token = new ApiKeyToken(
            Convert.ToHexString(RandomNumberGenerator.GetBytes(PublicIdBytes)),
            Convert.ToHexString(RandomNumberGenerator.GetBytes(SecretBytes)));
        var key = await grains.GetGrain<IUserGrain>(userId).AddKeyAsync(token.PublicId, ApiKeyHasher.Hash(token.Secret));
        return new IssuedApiKey(key.PublicId, key.UserId, token.Format(), key.CreatedAt);
    }
}
