namespace ModelUploads.Gateway.RateLimits;

/// <summary>The "RateLimits" settings: requests allowed per fixed one-minute window.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Maximum requests per minute of one API key, counted in this gateway process.</summary>
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>Maximum requests per minute from one remote address that carry no valid key.</summary>
    public int AnonymousPermitsPerMinute { get; set; } = 60;
}
