using System.Security.Cryptography;
using System.Text;
using ModelUploads.Accounts;

namespace ModelUploads.Gateway.Auth;

/// <summary>Hashes API key secrets with PBKDF2-HMAC-SHA256 and a per-key random salt, and verifies them in constant time.</summary>
public static class ApiKeyHasher
{
    /// <summary>
    /// PBKDF2 iterations of new keys. The secrets are 32 random bytes, which no brute-force
    /// search can cover, so the count only needs to be a standard one. Each key stores its
    /// own count, so raising this constant leaves existing keys valid.
    /// </summary>
    public const int Iterations = 100_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static SecretHash Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new SecretHash(salt, Derive(secret, salt, Iterations), Iterations);
    }

    public static bool Verify(string secret, SecretHash stored) =>
        stored.Iterations > 0
        && stored.Hash.Length == HashBytes
        && CryptographicOperations.FixedTimeEquals(Derive(secret, stored.Salt, stored.Iterations), stored.Hash);

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
