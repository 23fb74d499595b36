using Orleans.Concurrency;

namespace ModelUploads.Accounts;

/// <summary>One API key: the user it belongs to, the salted hash of its secret, and whether it is revoked. Keyed by the public id.</summary>
[Alias("ModelUploads.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key for a user; creating one that exists raises a conflict.</summary>
    [Alias("Create")]
    Task<ApiKeySnapshot> CreateAsync(string userId, SecretHash secretHash);

    /// <summary>Returns the key, or null when no key has this public id.</summary>
    [Alias("Get"), ReadOnly]
    Task<ApiKeySnapshot?> GetAsync();

    /// <summary>Revokes the key; raises not-found for an unknown key. Revoking it again keeps the first revocation time.</summary>
    [Alias("Revoke")]
    Task<ApiKeySnapshot> RevokeAsync();
}
