namespace ModelUploads.Gateway.Auth;

/// <summary>Names of the gateway's authorization policies.</summary>
public static class AuthorizationPolicies
{
    /// <summary>Any valid, unrevoked API key; every endpoint but /health needs it.</summary>
    public const string User = "user";

    /// <summary>A valid key of an active administrator.</summary>
    public const string Administrator = "administrator";
}
