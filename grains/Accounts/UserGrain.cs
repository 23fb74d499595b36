using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelUploads.Errors;
using ModelUploads.Hosting;
using ModelUploads.Models;

namespace ModelUploads.Accounts;

/// <summary>
/// One user account. It creates the user's models and keys, so it stores the ids of
/// both. Deactivating it disables every model it lists.
/// </summary>
internal sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private const int MaxNameLength = 100;
    private const int MaxReasonLength = 500;

    private UserState State => state.State;

    private string UserId => this.GetPrimaryKeyString();

    public async Task<UserSnapshot> CreateAsync(string name, bool isAdministrator)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Invalid user name",
                $"The user name '{trimmed}' must have 1 to {MaxNameLength} characters.");
        }

        if (State.Created)
        {
            throw new ModelUploadsException(ProblemKind.Conflict, "User exists", $"A user with the id '{UserId}' already exists.");
        }

        State.Created = true;
        State.Name = trimmed;
        State.IsAdministrator = isAdministrator;
        State.Active = true;
        State.CreatedAt = time.GetUtcNow();

        await state.WriteStateAsync();

        LogCreated(logger, UserId, trimmed, isAdministrator);
        return Snapshot();
    }

    public Task<UserSnapshot?> GetAsync() => Task.FromResult(State.Created ? Snapshot() : null);

    public async Task<ModelSnapshot> CreateModelAsync(string name)
    {
        EnsureCreated();
        if (!State.Active)
        {
            throw new ModelUploadsException(
                ProblemKind.Forbidden,
                "Account deactivated",
                $"The account '{State.Name}' was deactivated, so it cannot create models. "
                + $"The reason given: \"{State.DeactivationReason}\". Ask an administrator if you think this is a mistake.");
        }

        // The id is recorded before the model exists, so a crash in between leaves an id
        // without a model, which the model list skips, and never a model the account does not list.
        var modelId = $"model-{Guid.NewGuid():N}"[..22];
        State.ModelIds.Add(modelId);

        await state.WriteStateAsync();

        try
        {
            return await GrainFactory.GetGrain<IModelGrain>(modelId).CreateAsync(name, UserId);
        }
        catch (ModelUploadsException)
        {
            State.ModelIds.Remove(modelId);
            await state.WriteStateAsync();
            throw;
        }
    }

    public async Task<ApiKeySnapshot> AddKeyAsync(string publicId, SecretHash secretHash)
    {
        EnsureCreated();
        if (!State.Active)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "Account deactivated",
                $"The account '{State.Name}' was deactivated, so it gets no new API keys.");
        }

        State.ApiKeyIds.Add(publicId);

        await state.WriteStateAsync();

        return await GrainFactory.GetGrain<IApiKeyGrain>(publicId).CreateAsync(UserId, secretHash);
    }

    public async Task<UserSnapshot> DeactivateAsync(string reason)
    {
        EnsureCreated();
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxReasonLength)
        {
            throw new ModelUploadsException(
                ProblemKind.Invalid,
                "Invalid reason",
                $"The reason for deactivating the account '{State.Name}' must have 1 to {MaxReasonLength} characters; "
                + "write why, so that its owner can read it on each model.");
        }

        if (State.Active)
        {
            State.Active = false;
            State.DeactivatedAt = time.GetUtcNow();
            State.DeactivationReason = trimmed;

            await state.WriteStateAsync();

            LogDeactivated(logger, UserId, trimmed);
        }

        var modelReason = $"The account was deactivated: {State.DeactivationReason}";
        foreach (var modelId in State.ModelIds)
        {
            try
            {
                await GrainFactory.GetGrain<IModelGrain>(modelId).DisableAsync(modelReason);
            }
            catch (ModelUploadsException exception) when (exception.Kind == ProblemKind.NotFound)
            {
                // An id recorded just before a crash has no model, so there is nothing to disable.
            }
        }

        return Snapshot();
    }

    private void EnsureCreated()
    {
        if (!State.Created)
        {
            throw ModelUploadsException.NotFound("User", UserId);
        }
    }

    private UserSnapshot Snapshot() => new()
    {
        UserId = UserId,
        Name = State.Name,
        IsAdministrator = State.IsAdministrator,
        Active = State.Active,
        ModelIds = State.ModelIds.ToArray(),
        ApiKeyIds = State.ApiKeyIds.ToArray(),
        CreatedAt = State.CreatedAt,
        DeactivatedAt = State.DeactivatedAt,
        DeactivationReason = State.DeactivationReason,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user {UserId} named {Name} (administrator: {IsAdministrator})")]
    private static partial void LogCreated(ILogger logger, string userId, string name, bool isAdministrator);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deactivated user {UserId}: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, string userId, string reason);
}
