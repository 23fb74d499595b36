using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Errors;
using ModelUploads.Rounds;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Rounds: the open round, and the operator's call that opens the next one.</summary>
public static class RoundEndpoints
{
    public static IEndpointRouteBuilder MapRoundEndpoints(this IEndpointRouteBuilder routes)
    {
        var rounds = routes.MapGroup("/api/rounds").WithTags("Rounds");
        rounds.MapGet("/current", GetCurrentAsync);
        rounds.MapGet("/{number:int}", GetAsync);
        rounds.MapPost("/", OpenAsync);
        return routes;
    }

    public sealed record OpenRoundRequest(string? LiveFile);

    /// <summary>A round as the API shows it; the staging folder stays inside the platform.</summary>
    public sealed record RoundResponse(int Number, DateTimeOffset OpenedAt, DateTimeOffset ClosesAt, string LiveFileSha256, int Rows, int FeatureCount)
    {
        public static RoundResponse From(RoundInfo round) =>
            new(round.Number, round.OpenedAt, round.ClosesAt, round.LiveFileSha256, round.Rows, round.FeatureCount);
    }

    private static async Task<Ok<RoundResponse>> GetCurrentAsync(IGrainFactory grains)
    {
        var round = await grains.GetGrain<IRoundsGrain>(0).GetCurrentAsync()
            ?? throw new ModelUploadsException(
                ProblemKind.NotFound,
                "No round is open",
                "No round is open. An operator opens one with POST /api/rounds and the path of a live.parquet file.");
        return TypedResults.Ok(RoundResponse.From(round));
    }

    private static async Task<Ok<RoundResponse>> GetAsync(int number, IGrainFactory grains)
    {
        var round = await grains.GetGrain<IRoundsGrain>(0).GetAsync(number)
            ?? throw ModelUploadsException.NotFound("Round", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Ok(RoundResponse.From(round));
    }

    private static async Task<Created<RoundResponse>> OpenAsync(OpenRoundRequest request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request.LiveFile))
        {
            throw Problems.Problems.Invalid("Missing live file", "Send {\"liveFile\": \"/path/to/live.parquet\"}, a live file in Numerai's parquet layout on the silo's disk.");
        }

        var round = await grains.GetGrain<IRoundsGrain>(0).OpenAsync(Path.GetFullPath(request.LiveFile));
        return TypedResults.Created($"/api/rounds/{round.Number}", RoundResponse.From(round));
    }
}
