using ModelUploads.Accounts;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Tests.Unit;

public sealed class ApiKeyHasherTests
{
    [Fact]
    public void HashVerifiesOnlyItsSecret()
    {
        var hash = ApiKeyHasher.Hash("correct secret");

        Assert.True(ApiKeyHasher.Verify("correct secret", hash), "the secret does not verify against its own hash");
        Assert.False(ApiKeyHasher.Verify("correct secreT", hash), "another secret verifies");
        Assert.False(ApiKeyHasher.Verify("", hash), "an empty secret verifies");
    }

    [Fact]
    public void HashUsesFreshSaltAndStandardParameters()
    {
        var first = ApiKeyHasher.Hash("same secret");
        var second = ApiKeyHasher.Hash("same secret");

        Assert.Equal(16, first.Salt.Length);
        Assert.Equal(32, first.Hash.Length);
        Assert.Equal(ApiKeyHasher.Iterations, first.Iterations);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.Hash, second.Hash);
    }

    [Fact]
    public void VerifyRejectsDamagedHash()
    {
        var hash = ApiKeyHasher.Hash("secret");

        Assert.False(ApiKeyHasher.Verify("secret", hash with { Hash = hash.Hash[..16] }), "a truncated hash verifies");
        Assert.False(ApiKeyHasher.Verify("secret", hash with { Iterations = 0 }), "a hash without iterations verifies");
        Assert.False(ApiKeyHasher.Verify("secret", hash with { Salt = new byte[16] }), "a hash verifies with another salt");
    }

    [Fact]
    public void VerifyUsesStoredIterationCount()
    {
        // A key hashed with an older count still verifies after the constant changes.
        var salt = new byte[16];
        var derived = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "old secret"u8.ToArray(), salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);

        Assert.True(ApiKeyHasher.Verify("old secret", new SecretHash(salt, derived, 1000)), "a hash with 1,000 iterations does not verify");
    }
}
