using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelUploads.Errors;
using ModelUploads.Hosting;

namespace ModelUploads.Accounts;

/// <summary>One API key. It stores the salted hash the gateway verifies secrets against, and whether the key is revoked.</summary>
internal sealed partial class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Grains)] IPersistentState<ApiKeyState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain
{
    private ApiKeyState State => state.State;

    private string PublicId => this.GetPrimaryKeyString();

    public async Task<ApiKeySnapshot> CreateAsync(string userId, SecretHash secretHash)
    {
        if (State.Created)
        {
            throw new ModelUploadsException(ProblemKind.Conflict, "API key exists", $"An API key with the public id '{PublicId}' already exists.");
        }

        State.Created = true;
        State.UserId = userId;
        State.Salt = secretHash.Salt;
        State.Hash = secretHash.Hash;
        State.Iterations = secretHash.Iterations;
        State.CreatedAt = time.GetUtcNow();

        await state.WriteStateAsync();

        LogCreated(logger, PublicId, userId);
        return Snapshot();
    }

    public Task<ApiKeySnapshot?> GetAsync() => Task.FromResult(State.Created ? Snapshot() : null);

    public async Task<ApiKeySnapshot> RevokeAsync()
    {
        if (!State.Created)
        {
            throw ModelUploadsException.ApiKeyNotFound(PublicId);
        }

        if (State.Revoked)
        {
            return Snapshot();
        }

        State.Revoked = true;
        State.RevokedAt = time.GetUtcNow();

        await state.WriteStateAsync();

        LogRevoked(logger, PublicId, State.UserId);
        return Snapshot();
    }

    private ApiKeySnapshot Snapshot() => new()
    {
        PublicId = PublicId,
        UserId = State.UserId,
        SecretHash = new SecretHash(State.Salt, State.Hash, State.Iterations),
        CreatedAt = State.CreatedAt,
        Revoked = State.Revoked,
        RevokedAt = State.RevokedAt,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {PublicId} for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string publicId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {PublicId} of user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string publicId, string userId);
}
