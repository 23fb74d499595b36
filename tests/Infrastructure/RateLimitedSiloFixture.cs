namespace ModelUploads.Tests.Infrastructure;

/// <summary>An <see cref="ApiSiloFixture"/> whose silo allows each key 5 requests a minute and each address 3 without a key.</summary>
public sealed class RateLimitedSiloFixture : ApiSiloFixture
{
    public const int PermitsPerMinute = 5;
    public const int AnonymousPermitsPerMinute = 3;

    protected override bool PreparesData => false;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits__PermitsPerMinute"] = PermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits__AnonymousPermitsPerMinute"] = AnonymousPermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
