namespace ModelUploads.Accounts;

/// <summary>A user account's persisted state.</summary>
[GenerateSerializer, Alias("ModelUploads.UserState")]
public sealed class UserState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public bool IsAdministrator { get; set; }
    [Id(3)] public bool Active { get; set; }

    /// <summary>The user's model ids, oldest first.</summary>
    [Id(4)] public List<string> ModelIds { get; set; } = [];

    /// <summary>The public ids of the user's API keys, oldest first.</summary>
    [Id(5)] public List<string> ApiKeyIds { get; set; } = [];
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public DateTimeOffset? DeactivatedAt { get; set; }
    [Id(8)] public string? DeactivationReason { get; set; }
}
