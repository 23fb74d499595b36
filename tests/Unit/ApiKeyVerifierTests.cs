using ModelUploads.Accounts;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Tests.Unit;

public sealed class ApiKeyVerifierTests
{
    [Fact]
    public void VerifierAcceptsRepeatedSecretAndRejectsOthers()
    {
        var verifier = new ApiKeyVerifier();
        var key = Key("PUBLIC", ApiKeyHasher.Hash("right"));

        Assert.True(verifier.Verify(key, "right"), "the right secret is rejected");
        Assert.True(verifier.Verify(key, "right"), "the right secret is rejected the second time");
        Assert.False(verifier.Verify(key, "wrong"), "a wrong secret is accepted after the right one");
    }

    [Fact]
    public void VerifierChecksNewHashOfSameKey()
    {
        // Given a key whose secret was verified once
        var verifier = new ApiKeyVerifier();
        Assert.True(verifier.Verify(Key("PUBLIC", ApiKeyHasher.Hash("old")), "old"), "the old secret is rejected");

        // When the stored hash changes under the same public id
        var replaced = Key("PUBLIC", ApiKeyHasher.Hash("new"));

        // Then the old secret no longer passes and the new one does
        Assert.False(verifier.Verify(replaced, "old"), "the old secret passes against the new hash");
        Assert.True(verifier.Verify(replaced, "new"), "the new secret is rejected");
    }

    private static ApiKeySnapshot Key(string publicId, SecretHash hash) => new()
    {
        PublicId = publicId,
        UserId = "user-1",
        SecretHash = hash,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Revoked = false,
    };
}
