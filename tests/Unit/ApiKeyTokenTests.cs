using ModelUploads.Gateway.Auth;

namespace ModelUploads.Tests.Unit;

public sealed class ApiKeyTokenTests
{
    [Theory]
    [InlineData("ABC123$s3cr3t", "ABC123", "s3cr3t")]
    [InlineData("a-b_c$x", "a-b_c", "x")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF$0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789ABCDEF0123456789ABCDEF", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    public void TryParseSplitsPublicIdAndSecret(string value, string publicId, string secret)
    {
        var parsed = ApiKeyToken.TryParse(value, out var token);

        Assert.True(parsed, $"'{value}' did not parse");
        Assert.Equal(publicId, token!.PublicId);
        Assert.Equal(secret, token.Secret);
        Assert.Equal(value, token.Format());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-separator")]
    [InlineData("$secret")]
    [InlineData("public$")]
    [InlineData("public$two$separators")]
    [InlineData("pub lic$secret")]
    [InlineData("pub/lic$secret")]
    [InlineData("public$sec ret")]
    [InlineData("public$sec\u0000ret")]
    public void TryParseRejectsMalformedKey(string? value)
    {
        var parsed = ApiKeyToken.TryParse(value, out var token);

        Assert.False(parsed, $"'{value}' parsed as {token}");
        Assert.Null(token);
    }

    [Fact]
    public void TryParseRejectsOverlongParts()
    {
        Assert.False(ApiKeyToken.TryParse($"{new string('A', 65)}$secret", out _), "a 65-character public id parsed");
        Assert.False(ApiKeyToken.TryParse($"public${new string('s', 257)}", out _), "a 257-character secret parsed");
    }

    [Fact]
    public void ToStringShowsOnlyPublicId()
    {
        var token = new ApiKeyToken("PUBLIC", "SECRET");

        Assert.Equal("PUBLIC", token.ToString());
    }
}
