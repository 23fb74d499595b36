namespace ModelUploads.Accounts;

/// <summary>A user account as callers see it.</summary>
[GenerateSerializer, Immutable, Alias("ModelUploads.UserSnapshot")]
public sealed record UserSnapshot
{
    [Id(0)] public required string UserId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required bool IsAdministrator { get; init; }

    /// <summary>False once an administrator deactivated the account, which disables its models.</summary>
    [Id(3)] public required bool Active { get; init; }

    /// <summary>The ids of the user's models, oldest first.</summary>
    [Id(4)] public required IReadOnlyList<string> ModelIds { get; init; }

    /// <summary>The public ids of the user's API keys, revoked ones included, oldest first.</summary>
    [Id(5)] public required IReadOnlyList<string> ApiKeyIds { get; init; }
    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public DateTimeOffset? DeactivatedAt { get; init; }
    [Id(8)] public string? DeactivationReason { get; init; }
}
