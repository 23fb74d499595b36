using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;
using ModelUploads.Gateway.Uploads;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>
/// Numerai's GraphQL API at POST /graphql for the operations that numerapi's model_upload,
/// model_upload_docker_images, model_upload_data_versions and get_models send, and the
/// one-time PUT address that computePickleUploadAuth issues.
/// </summary>
public static partial class GraphQlEndpoints
{
    /// <summary>The path under which each issued upload address takes its PUT.</summary>
    internal const string UploadPath = "/graphql/uploads";

    public static IServiceCollection AddModelUploadsGraphQl(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PendingUploads>();

        // Registered by hand because the DI builder of GraphQL for .NET lives in the separate GraphQL.MicrosoftDI package.
        services.AddSingleton<NumeraiSchema>();
        services.AddSingleton<NumeraiQuery>();
        services.AddSingleton<NumeraiMutation>();
        services.AddSingleton<AccountType>();
        services.AddSingleton<ModelType>();
        services.AddSingleton<ComputePickleUploadType>();
        services.AddSingleton<TriggerType>();
        services.AddSingleton<TriggerStatusType>();
        services.AddSingleton<FileUploadAuthType>();
        services.AddSingleton<CreatedUploadType>();
        services.AddSingleton<DataVersionType>();
        services.AddSingleton<DockerImageType>();
        services.AddSingleton<IDocumentExecuter, DocumentExecuter>();
        services.AddSingleton<IGraphQLTextSerializer, GraphQLSerializer>();
        return services;
    }

    public static IEndpointRouteBuilder MapGraphQlEndpoints(this IEndpointRouteBuilder routes, long maxPickleBytes)
    {
        // Both endpoints take requests without a valid key: /graphql answers them with a GraphQL error,
        // and an upload address is itself the credential, as the presigned address of Numerai's API is.
        routes.MapPost("/graphql", ExecuteAsync).WithTags("GraphQL").AllowAnonymous().DisableAntiforgery();
        routes.MapPut($"{UploadPath}/{{token}}", PutUploadAsync)
            .WithTags("GraphQL")
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(maxPickleBytes));
        return routes;
    }

    private static async Task ExecuteAsync(
        HttpContext http, NumeraiSchema schema, IDocumentExecuter executer, IGraphQLTextSerializer serializer, CancellationToken cancellationToken)
    {
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, cancellationToken);
        }
        catch (System.Text.Json.JsonException exception)
        {
            var invalid = new ExecutionResult
            {
                Errors = [new ExecutionError($"The request body is not valid JSON: {exception.Message} Send {{\"query\": \"...\", \"variables\": {{...}}}}.")],
            };
            http.Response.ContentType = "application/json";
            await serializer.WriteAsync(http.Response.Body, invalid, cancellationToken);
            return;
        }

        var authentication = await http.AuthenticateAsync(ApiKeyDefaults.Scheme);
        var result = await executer.ExecuteAsync(options =>
        {
            options.Schema = schema;
            options.Query = request?.Query;
            options.Variables = request?.Variables;
            options.OperationName = request?.OperationName;
            options.RequestServices = http.RequestServices;
            options.User = authentication.Succeeded ? authentication.Principal : null;
            options.UserContext = new Dictionary<string, object?>
            {
                [NumeraiResolvers.AuthenticationFailureKey] = authentication.Failure?.Message,
                [NumeraiResolvers.GatewayAddressKey] = $"{http.Request.Scheme}://{http.Request.Host}",
            };
            options.CancellationToken = cancellationToken;
            options.UnhandledExceptionDelegate = context =>
            {
                // The platform's rejections carry a message for the user, and other exceptions keep the library's generic one.
                if (context.OriginalException is ModelUploadsException rejection)
                {
                    context.ErrorMessage = rejection.Message;
                }
                else
                {
                    var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GraphQlEndpoints));
                    LogFieldFailed(logger, context.OriginalException, context.FieldContext?.FieldDefinition.Name ?? "(none)");
                }

                return Task.CompletedTask;
            };
        });

        http.Response.ContentType = "application/json";
        await serializer.WriteAsync(http.Response.Body, result, cancellationToken);
    }

    /// <summary>
    /// Streams the PUT body into the pickle store and checks it as the HTTP upload does, without
    /// recording it: createComputePickleUpload records it. A rejected file is deleted at once.
    /// </summary>
    private static async Task<IResult> PutUploadAsync(
        string token, HttpRequest request, PendingUploads uploads, PickleStore store, CancellationToken cancellationToken)
    {
        var pending = uploads.Find(token);
        if (pending is null)
        {
            throw new ModelUploadsException(
                ProblemKind.NotFound,
                "Upload address not found",
                "The upload address does not exist or expired. Call computePickleUploadAuth for a new one.");
        }

        if (pending.Staged is not null)
        {
            throw new ModelUploadsException(
                ProblemKind.Conflict,
                "Upload address already used",
                "A file was already PUT to this address, which takes one file. Call computePickleUploadAuth for a new one.");
        }

        var staged = await store.StageAsync(request.Body, cancellationToken);
        try
        {
            var headerProblem = PickleHeader.Check(staged.Head, staged.Last, staged.SizeBytes, pending.FileName);
            if (headerProblem is not null)
            {
                throw Problems.Problems.Invalid("Invalid pickle", headerProblem);
            }

            var modules = Endpoints.ModelEndpoints.ScanModules(staged, pending.FileName);
            if (!uploads.TryUpdate(pending, pending with { Staged = staged, Modules = modules }))
            {
                throw new ModelUploadsException(
                    ProblemKind.Conflict,
                    "Upload address already used",
                    "Another request used this upload address first. Call computePickleUploadAuth for a new one.");
            }
        }
        catch
        {
            PickleStore.Discard(staged);
            throw;
        }

        return TypedResults.Ok();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL field {Field} failed")]
    private static partial void LogFieldFailed(ILogger logger, Exception exception, string field);
}
