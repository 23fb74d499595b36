using System.Text.Json.Serialization;
using ModelUploads.Gateway.Endpoints;
using ModelUploads.Gateway.Problems;
using ModelUploads.Gateway.Uploads;

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
        return services;
    }

    public static WebApplication MapModelUploadsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        var maxPickleBytes = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.MaxPickleBytes;
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");
        app.MapModelEndpoints(maxPickleBytes);
        app.MapRunEndpoints();
        app.MapRoundEndpoints();
        app.MapValidationEndpoints();
        app.MapRuntimeEndpoints();
        return app;
    }
}
