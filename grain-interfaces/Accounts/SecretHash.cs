namespace ModelUploads.Accounts;

/// <summary>
/// The PBKDF2-HMAC-SHA256 hash of an API key's secret, with its per-key random salt and
/// iteration count. The secret itself is never stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.SecretHash")]
public sealed record SecretHash(
    [property: Id(0)] byte[] Salt,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] int Iterations);
