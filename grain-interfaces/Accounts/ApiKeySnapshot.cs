namespace ModelUploads.Accounts;

/// <summary>An API key as the gateway reads it, with the hash that it verifies secrets against.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.ApiKeySnapshot")]
public sealed record ApiKeySnapshot
{
    [Id(0)] public required string PublicId { get; init; }
    [Id(1)] public required string UserId { get; init; }
    [Id(2)] public required SecretHash SecretHash { get; init; }
    [Id(3)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(4)] public required bool Revoked { get; init; }
    [Id(5)] public DateTimeOffset? RevokedAt { get; init; }
}
