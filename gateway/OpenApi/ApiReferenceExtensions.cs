using Scalar.AspNetCore;

namespace ModelUploads.Gateway.OpenApi;

/// <summary>
/// The API reference: the OpenAPI document of every endpoint at /openapi/v1.json and Scalar's
/// interactive page at /scalar. Both are served without an API key. Scalar's script comes
/// from the Scalar.AspNetCore assembly itself, and its default fonts (loaded from Scalar's CDN),
/// telemetry, agent, MCP and developer toolbar are switched off, so the page loads nothing from another host.
/// </summary>
public static class ApiReferenceExtensions
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddModelUploadsOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "ModelUploads API";
                document.Info.Description =
                    "Uploads cloudpickled models, runs them in sandboxed containers on the open round's live features, "
                    + "and stores their validated predictions. Errors are RFC 7807 ProblemDetails whose `detail` states "
                    + "what was wrong and what to do.";
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<ApiKeySecurityTransformer>();
            options.AddOperationTransformer<ApiKeySecurityTransformer>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapModelUploadsApiReference(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi().AllowAnonymous();
        routes.MapScalarApiReference(options =>
            {
                options
                    .WithTitle("ModelUploads API reference")
                    .AddDocument(DocumentName, "ModelUploads API")
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp()
                    .AddPreferredSecuritySchemes(ApiKeySecurityTransformer.SchemeName);

                // The developer toolbar links to Scalar's hosted services, which an offline gateway cannot reach.
                options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            })
            .AllowAnonymous();
        return routes;
    }
}
