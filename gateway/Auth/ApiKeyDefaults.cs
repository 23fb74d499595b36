namespace ModelUploads.Gateway.Auth;

/// <summary>Names of the API key authentication scheme.</summary>
public static class ApiKeyDefaults
{
    /// <summary>The scheme of the Authorization header, as in `Authorization: Token PUBLIC_ID$SECRET`, which numerapi sends.</summary>
    public const string Scheme = "Token";

    /// <summary>The realm named in the WWW-Authenticate header of a 401 response.</summary>
    public const string Realm = "modeluploads";
}
