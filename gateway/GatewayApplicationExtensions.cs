using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ModelUploads.Gateway.Auth;
using ModelUploads.Gateway.Endpoints;
using ModelUploads.Gateway.GraphQl;
using ModelUploads.Gateway.OpenApi;
using ModelUploads.Gateway.Problems;
using ModelUploads.Gateway.RateLimits;
using ModelUploads.Gateway.Uploads;
using ModelUploads.Gateway.WebPage;

namespace ModelUploads.Gateway;

/// <summary>
/// Wires the HTTP API into a web application. The silo calls these to co-host the
/// gateway; the gateway's own Program calls them when it runs as a cluster client.
/// </summary>
public static class GatewayApplicationExtensions
{
    public static IServiceCollection AddModelUploadsGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.SectionName));
        services.AddSingleton<PickleStore>();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });

        services.AddSingleton<ApiKeyVerifier>();
        services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, _ => { });
        var userPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(ApiKeyDefaults.Scheme)
            .RequireAuthenticatedUser()
            .Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicies.User, userPolicy)
            .AddPolicy(AuthorizationPolicies.Administrator, policy => policy
                .AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
                .RequireAuthenticatedUser()
                .RequireRole(Caller.AdministratorRole))
            .SetFallbackPolicy(userPolicy);

        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .Validate(
                limits => limits.PermitsPerMinute > 0 && limits.AnonymousPermitsPerMinute > 0,
                "RateLimits:PermitsPerMinute and RateLimits:AnonymousPermitsPerMinute must be whole numbers above 0.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>>((options, limits) => ApiRateLimits.Configure(options, limits.Value));
        services.AddModelUploadsOpenApi();
        services.AddModelUploadsGraphQl();
        return services;
    }

    public static WebApplication MapModelUploadsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The web page's files are public and served before authentication; only the API needs a key.
        app.UseModelUploadsWebPage();

        // Authentication comes before the rate limiter, which counts requests per proven key.
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        var maxPickleBytes = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxPickleBytes;
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }))
            .WithTags("Health")
            .AllowAnonymous()
            .DisableRateLimiting();
        app.MapUserEndpoints();
        app.MapApiKeyEndpoints();
        app.MapModelEndpoints(maxPickleBytes);
        app.MapRunEndpoints();
        app.MapRoundEndpoints();
        app.MapValidationEndpoints();
        app.MapRuntimeEndpoints();
        app.MapGraphQlEndpoints(maxPickleBytes);
        app.MapModelUploadsApiReference();
        return app;
    }
}
