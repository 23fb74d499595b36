using System.Net.Http.Headers;

namespace ModelUploads.Tests.Infrastructure;

/// <summary>A user of the HTTP API and the key it authenticates with.</summary>
internal sealed record ApiUser(string UserId, string Key)
{
    /// <summary>Returns a client for the gateway that sends this user's key with every request.</summary>
    public HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", Key);
        return client;
    }
}
