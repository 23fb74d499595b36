using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// API keys on the real silo process: every endpoint but /health needs one, a missing,
/// malformed, unknown, wrong or revoked key gets 401 with a message that states how to fix
/// it, and a user's key gets 403 on the administrators' endpoints.
/// </summary>
public sealed class AuthenticationTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private const string ExpectedHeaderForm = "Authorization: Token PUBLIC_ID$SECRET";

    [Theory]
    [InlineData("GET", "/api/models")]
    [InlineData("POST", "/api/models")]
    [InlineData("GET", "/api/rounds/current")]
    [InlineData("GET", "/api/runtimes")]
    [InlineData("GET", "/api/runs/run-does-not-exist")]
    [InlineData("POST", "/api/users")]
    public async Task RequestWithoutKeyGets401(string method, string path)
    {
        using var client = fixture.AnonymousClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var body = await AssertUnauthorizedAsync(response);
        Assert.Equal("Missing API key", body.GetProperty("title").GetString());
        Assert.Contains(ExpectedHeaderForm, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthNeedsNoKey()
    {
        using var client = fixture.AnonymousClient();

        using var response = await client.GetAsync("/health");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task WrongSecretGets401()
    {
        // Given a user whose key works
        var user = await fixture.CreateUserAsync("wrong-secret");
        using (var valid = fixture.Client(user))
        {
            using var accepted = await valid.GetAsync("/api/models");
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        }

        // When the key is sent with another secret
        var publicId = user.Key.Split('$')[0];
        using var client = fixture.Client(user with { Key = $"{publicId}${new string('0', 64)}" });
        using var response = await client.GetAsync("/api/models");

        // Then it is rejected and the message names the key and what to do
        var body = await AssertUnauthorizedAsync(response);
        Assert.Equal("Wrong API key secret", body.GetProperty("title").GetString());
        var detail = body.GetProperty("detail").GetString();
        Assert.Contains($"The secret does not match the API key '{publicId}'", detail, StringComparison.Ordinal);
        Assert.Contains("Ask an administrator for a new key", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedKeyGets401()
    {
        // Given a user whose key has just been accepted
        var user = await fixture.CreateUserAsync("revoked");
        var publicId = user.Key.Split('$')[0];
        using var client = fixture.Client(user);
        using (var accepted = await client.GetAsync("/api/models"))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        }

        // When an administrator revokes the key
        using var administrator = fixture.Client(fixture.Administrator);
        using var revoke = await administrator.DeleteAsync($"/api/keys/{publicId}");
        Assert.True(revoke.StatusCode == HttpStatusCode.OK, $"{revoke.StatusCode}: {await revoke.Content.ReadAsStringAsync()}");
        var revoked = await revoke.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json);

        // Then the next request with it is rejected
        using var response = await client.GetAsync("/api/models");
        var body = await AssertUnauthorizedAsync(response);
        Assert.True(revoked.GetProperty("revoked").GetBoolean(), revoked.ToString());
        Assert.Equal("Revoked API key", body.GetProperty("title").GetString());
        Assert.Contains($"The API key '{publicId}' was revoked", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer abcdef", "Unsupported authorization scheme", "uses the scheme 'Bearer'")]
    [InlineData("Token", "Malformed API key", "is not in the form PUBLIC_ID$SECRET")]
    [InlineData("Token ABCDEF", "Malformed API key", "is not in the form PUBLIC_ID$SECRET")]
    [InlineData("Token $secret", "Malformed API key", "is not in the form PUBLIC_ID$SECRET")]
    [InlineData("Token ABC/DEF$secret", "Malformed API key", "is not in the form PUBLIC_ID$SECRET")]
    [InlineData("Token 0123456789ABCDEF0123456789ABCDEF$secret", "Unknown API key", "No API key has the public id '0123456789ABCDEF0123456789ABCDEF'")]
    public async Task InvalidKeyGets401(string header, string expectedTitle, string expectedDetail)
    {
        using var client = fixture.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request);

        var body = await AssertUnauthorizedAsync(response);
        Assert.Equal(expectedTitle, body.GetProperty("title").GetString());
        Assert.Contains(expectedDetail, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserGets403OnAdministratorEndpoints()
    {
        // Given a user with a key and a model of their own
        var user = await fixture.CreateUserAsync("not-an-administrator");
        var publicId = user.Key.Split('$')[0];
        using var client = fixture.Client(user);
        using var created = await client.PostAsJsonAsync("/api/models", new { name = "own" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var modelId = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json)).GetProperty("modelId").GetString();
        var roundBefore = await client.GetFromJsonAsync<JsonElement>("/api/rounds/current", ApiSiloFixture.Json);
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "/api/users", new { name = "intruder", isAdministrator = true }),
            (HttpMethod.Post, $"/api/users/{user.UserId}/keys", null),
            (HttpMethod.Post, $"/api/users/{fixture.Administrator.UserId}/deactivate", new { reason = "takeover" }),
            (HttpMethod.Get, $"/api/keys/{publicId}", null),
            (HttpMethod.Delete, $"/api/keys/{fixture.Administrator.Key.Split('$')[0]}", null),
            (HttpMethod.Post, "/api/rounds", new { liveFile = Path.Combine(fixture.DatasetDirectory, "live.parquet") }),
            (HttpMethod.Post, "/api/validation", new { file = Path.Combine(fixture.DatasetDirectory, "validation.parquet") }),
            (HttpMethod.Post, $"/api/models/{modelId}/disable", new { reason = "self" }),
        };

        foreach (var (method, path, body) in requests)
        {
            // When the user calls an administrator endpoint
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await client.SendAsync(request);

            // Then it is forbidden, with the reason
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("is for administrators", text, StringComparison.Ordinal);
            Assert.Contains($"user '{user.UserId}', who is not an administrator", text, StringComparison.Ordinal);
        }

        // And nothing changed: the same round is open, the administrator's key works and the model is enabled
        var roundAfter = await client.GetFromJsonAsync<JsonElement>("/api/rounds/current", ApiSiloFixture.Json);
        Assert.Equal(roundBefore.GetProperty("number").GetInt32(), roundAfter.GetProperty("number").GetInt32());
        using var administrator = fixture.Client(fixture.Administrator);
        var self = await administrator.GetFromJsonAsync<JsonElement>($"/api/users/{fixture.Administrator.UserId}", ApiSiloFixture.Json);
        Assert.True(self.GetProperty("active").GetBoolean(), self.ToString());
        var model = await client.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.False(model.GetProperty("disabled").GetBoolean(), model.ToString());
    }

    [Fact]
    public async Task AdministratorCreatesUserWithKeyShownOnce()
    {
        // Given an administrator
        using var administrator = fixture.Client(fixture.Administrator);

        // When they create a user and a key for it
        using var created = await administrator.PostAsJsonAsync("/api/users", new { name = "new-user", isAdministrator = false });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var userId = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json)).GetProperty("userId").GetString()!;
        using var issued = await administrator.PostAsync($"/api/users/{userId}/keys", content: null);
        Assert.True(issued.StatusCode == HttpStatusCode.Created, await issued.Content.ReadAsStringAsync());
        var key = await issued.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json);
        var publicId = key.GetProperty("publicId").GetString()!;
        var secret = key.GetProperty("key").GetString()!.Split('$')[1];

        // Then the key has Numerai's form, works, and no later response shows its secret
        Assert.Equal($"/api/keys/{publicId}", issued.Headers.Location?.OriginalString);
        Assert.Matches("^[0-9A-F]{32}$", publicId);
        Assert.Matches("^[0-9A-F]{64}$", secret);
        using var client = fixture.Client(new ApiUser(userId, key.GetProperty("key").GetString()!));
        var user = await client.GetStringAsync($"/api/users/{userId}");
        var stored = await administrator.GetStringAsync($"/api/keys/{publicId}");
        Assert.Contains(publicId, user, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, user, StringComparison.Ordinal);
        Assert.Contains($"\"userId\":\"{userId}\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("salt", stored, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<JsonElement> AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal(new AuthenticationHeaderValue("Token", "realm=\"modeluploads\""), challenge);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
