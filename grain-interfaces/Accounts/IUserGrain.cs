using ModelUploads.Models;
using Orleans.Concurrency;

namespace ModelUploads.Accounts;

/// <summary>
/// One user account: its name, whether it is an administrator, whether it is active,
/// and the ids of its models and API keys. Keyed by the user id.
/// </summary>
[Alias("ModelUploads.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; creating one that exists raises a conflict.</summary>
    [Alias("Create")]
    Task<UserSnapshot> CreateAsync(string name, bool isAdministrator);

    /// <summary>Returns the user, or null when no user has this id.</summary>
    [Alias("Get"), ReadOnly]
    Task<UserSnapshot?> GetAsync();

    /// <summary>
    /// Creates a model owned by this user under a new model id and records the id.
    /// Raises not-found for an unknown user and forbidden for a deactivated one.
    /// </summary>
    [Alias("CreateModel")]
    Task<ModelSnapshot> CreateModelAsync(string name);

    /// <summary>
    /// Records a new API key of this user and creates its key grain. Raises not-found
    /// for an unknown user and a conflict for a deactivated one.
    /// </summary>
    [Alias("AddKey")]
    Task<ApiKeySnapshot> AddKeyAsync(string publicId, SecretHash secretHash);

    /// <summary>
    /// Marks the user inactive and disables each of its models with the reason. Calling
    /// it again disables any model that a crash left enabled and keeps the first reason.
    /// </summary>
    [Alias("Deactivate")]
    Task<UserSnapshot> DeactivateAsync(string reason);
}
