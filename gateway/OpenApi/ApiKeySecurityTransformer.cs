using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Gateway.OpenApi;

/// <summary>
/// Describes the API key in the OpenAPI document: a security scheme for the header
/// `Authorization: Token PUBLIC_ID$SECRET`, required by every operation that does not allow
/// anonymous callers, and a note on the operations that need an administrator's key.
/// </summary>
internal sealed class ApiKeySecurityTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    /// <summary>The name of the security scheme in the document's components.</summary>
    public const string SchemeName = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = $"Send `Authorization: {ApiKeyDefaults.Scheme} PUBLIC_ID$SECRET`, the whole key as it was shown when "
                + "it was created. An administrator creates keys with POST /api/users/{userId}/keys; the first "
                + "administrator's key comes from the silo's create-admin command.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [],
        });

        if (metadata.OfType<IAuthorizeData>().Any(data => data.Policy == AuthorizationPolicies.Administrator))
        {
            const string note = "Requires an administrator's API key; other keys get 403.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? note : $"{operation.Description}\n\n{note}";
        }

        return Task.CompletedTask;
    }
}
