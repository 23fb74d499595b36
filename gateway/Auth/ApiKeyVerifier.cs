using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ModelUploads.Accounts;

namespace ModelUploads.Gateway.Auth;

/// <summary>
/// Checks a presented secret against a key's stored PBKDF2 hash. PBKDF2 costs tens of
/// milliseconds by design, so after a secret matched once, this gateway process keeps a
/// SHA-256 digest of it per key and checks repeated requests against that digest. Revocation
/// is checked by the caller on every request, so the cache never keeps a revoked key valid.
/// </summary>
internal sealed class ApiKeyVerifier
{
    /// <summary>At most one entry per key whose secret matched, so callers without a valid secret cannot grow it.</summary>
    private readonly ConcurrentDictionary<string, VerifiedSecret> _verified = new(StringComparer.Ordinal);

    public bool Verify(ApiKeySnapshot key, string secret)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        if (_verified.TryGetValue(key.PublicId, out var cached)
            && cached.StoredHash.AsSpan().SequenceEqual(key.SecretHash.Hash)
            && CryptographicOperations.FixedTimeEquals(cached.SecretDigest, digest))
        {
            return true;
        }

        if (!ApiKeyHasher.Verify(secret, key.SecretHash))
        {
            return false;
        }

        _verified[key.PublicId] = new VerifiedSecret(key.SecretHash.Hash, digest);
        return true;
    }

    private sealed record VerifiedSecret(byte[] StoredHash, byte[] SecretDigest);
}
