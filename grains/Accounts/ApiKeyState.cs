namespace ModelUploads.Accounts;

/// <summary>An API key's persisted state: the salted hash of its secret, never the secret.</summary>
[GenerateSerializer, Alias("ModelUploads.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public string UserId { get; set; } = "";
    [Id(2)] public byte[] Salt { get; set; } = [];
    [Id(3)] public byte[] Hash { get; set; } = [];

    /// <summary>The PBKDF2 iteration count the hash was made with, so a later version can raise it for new keys.</summary>
    [Id(4)] public int Iterations { get; set; }
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public bool Revoked { get; set; }
    [Id(7)] public DateTimeOffset? RevokedAt { get; set; }
}
