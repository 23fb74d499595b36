using System.Collections.Concurrent;
using System.Security.Cryptography;
using ModelUploads.Gateway.Uploads;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>
/// The upload addresses issued by computePickleUploadAuth, kept in this gateway process's memory
/// and keyed by a random token. Expired entries are removed, and their staged files deleted,
/// whenever an entry is issued or read.
/// </summary>
/// <remarks>
/// NOTE: the entries live in one gateway process, so with several gateways the PUT and
/// createComputePickleUpload must reach the process that issued the address.
/// </remarks>
internal sealed class PendingUploads(TimeProvider time)
{
    /// <summary>How long an issued upload address accepts its PUT and its createComputePickleUpload.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, PendingUpload> _uploads = new(StringComparer.Ordinal);

    public PendingUpload Issue(string userId, string modelId, string fileName)
    {
        RemoveExpired();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var pending = new PendingUpload(token, userId, modelId, fileName, time.GetUtcNow() + Lifetime);
        _uploads[token] = pending;
        return pending;
    }

    /// <summary>Returns the unexpired entry of the token, or null.</summary>
    public PendingUpload? Find(string token)
    {
        RemoveExpired();
        return _uploads.TryGetValue(token, out var pending) ? pending : null;
    }

    /// <summary>Replaces an entry with its staged version; false when another request changed or removed it first.</summary>
    public bool TryUpdate(PendingUpload current, PendingUpload updated) => _uploads.TryUpdate(current.Token, updated, current);

    /// <summary>Removes the entry so that its token cannot be used again; false when another request removed it first.</summary>
    public bool TryTake(PendingUpload pending) =>
        ((ICollection<KeyValuePair<string, PendingUpload>>)_uploads).Remove(new KeyValuePair<string, PendingUpload>(pending.Token, pending));

    private void RemoveExpired()
    {
        var now = time.GetUtcNow();
        foreach (var entry in _uploads)
        {
            if (entry.Value.ExpiresAt <= now && TryTake(entry.Value) && entry.Value.Staged is { } staged)
            {
                PickleStore.Discard(staged);
            }
        }
    }
}
