using System.Net;
using System.Text.Json;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The per-key rate limit on a silo process configured through RateLimits__PermitsPerMinute:
/// a key over its limit gets 429 with Retry-After, while other keys and /health go on.
/// </summary>
public sealed class RateLimitTests(RateLimitedSiloFixture fixture) : IClassFixture<RateLimitedSiloFixture>
{
    [Fact]
    public async Task KeyOverLimitGets429WithRetryAfter()
    {
        // Given a user who has made as many requests as the limit allows
        var user = await fixture.CreateUserAsync("busy");
        using var client = fixture.Client(user);
        for (var i = 1; i <= RateLimitedSiloFixture.PermitsPerMinute; i++)
        {
            using var allowed = await client.GetAsync("/api/models");
            Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"request {i}: {allowed.StatusCode}: {await allowed.Content.ReadAsStringAsync()}");
        }

        // When they make one more
        using var response = await client.GetAsync("/api/models");

        // Then it gets 429 with Retry-After and a problem that names the key and the limit
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero, $"Retry-After is {response.Headers.RetryAfter}");
        Assert.True(retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After is {response.Headers.RetryAfter}");
        var detail = JsonSerializer.Deserialize<JsonElement>(text).GetProperty("detail").GetString();
        Assert.Contains(
            $"The API key '{user.Key.Split('$')[0]}' is limited to {RateLimitedSiloFixture.PermitsPerMinute} requests per minute",
            detail,
            StringComparison.Ordinal);
        Assert.Contains($"Retry in {(int)retryAfter!.Value.TotalSeconds} seconds", detail, StringComparison.Ordinal);

        // And the administrator's key, counted apart, still works
        using var administrator = fixture.Client(fixture.Administrator);
        using var other = await administrator.GetAsync("/api/models");
        Assert.True(other.StatusCode == HttpStatusCode.OK, $"administrator: {other.StatusCode}: {await other.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task RequestsWithoutKeyAreLimitedPerAddress()
    {
        // Given an address that sent as many requests without a key as the limit allows
        using var client = fixture.AnonymousClient();
        for (var i = 1; i <= RateLimitedSiloFixture.AnonymousPermitsPerMinute; i++)
        {
            using var rejected = await client.GetAsync("/api/models");
            Assert.True(rejected.StatusCode == HttpStatusCode.Unauthorized, $"request {i}: {rejected.StatusCode}: {await rejected.Content.ReadAsStringAsync()}");
        }

        // When it sends one more, and a request for /health
        using var response = await client.GetAsync("/api/models");
        using var health = await client.GetAsync("/health");

        // Then the request gets 429, and /health, which is not limited, still returns 200
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{response.StatusCode}: {text}");
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Contains(
            $"Requests without a valid API key from 127.0.0.1 are limited to {RateLimitedSiloFixture.AnonymousPermitsPerMinute} per minute",
            text,
            StringComparison.Ordinal);
        Assert.True(health.StatusCode == HttpStatusCode.OK, $"/health: {health.StatusCode}");
    }
}
