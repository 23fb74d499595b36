using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;
using ModelUploads.Rounds;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>The validation data that every upload runs on for diagnostics.</summary>
public static class ValidationEndpoints
{
    public static IEndpointRouteBuilder MapValidationEndpoints(this IEndpointRouteBuilder routes)
    {
        var validation = routes.MapGroup("/api/validation").WithTags("Validation");
        validation.MapGet("/", GetAsync);
        validation.MapPost("/", SetAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        return routes;
    }

    public sealed record SetValidationRequest(string? File);

    /// <summary>The staged validation data as the API shows it; the staging folder stays inside the platform.</summary>
    public sealed record ValidationResponse(string Sha256, int Rows, int Eras, int FeatureCount, int Chunks, DateTimeOffset StagedAt)
    {
        public static ValidationResponse From(ValidationDataInfo info) =>
            new(info.Sha256, info.Rows, info.Eras, info.FeatureCount, info.Chunks, info.StagedAt);
    }

    private static async Task<Ok<ValidationResponse>> GetAsync(IGrainFactory grains)
    {
        var info = await grains.GetGrain<IValidationDataGrain>(0).GetAsync()
            ?? throw new ModelUploadsException(
                ProblemKind.NotFound,
                "No validation data",
                "No validation data is staged, so uploads get no diagnostics. An administrator stages it with POST /api/validation and the path of a validation.parquet file.");
        return TypedResults.Ok(ValidationResponse.From(info));
    }

    private static async Task<Ok<ValidationResponse>> SetAsync(SetValidationRequest request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.File))
        {
            throw Problems.Problems.Invalid("Missing validation file", "Send {\"file\": \"/path/to/validation.parquet\"}, a file in Numerai's parquet layout on the silo's disk.");
        }

        var info = await grains.GetGrain<IValidationDataGrain>(0).SetAsync(Path.GetFullPath(request.File));
        return TypedResults.Ok(ValidationResponse.From(info));
    }
}
