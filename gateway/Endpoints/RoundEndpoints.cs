using Microsoft.AspNetCore.Http.HttpResults;
using ModelUploads.Errors;
using ModelUploads.Gateway.Auth;
using ModelUploads.Rounds;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>Rounds: the open round, and the administrators' call that opens the next one.</summary>
public static class RoundEndpoints
{
    public static IEndpointRouteBuilder MapRoundEndpoints(this IEndpointRouteBuilder routes)
    {
        var rounds = routes.MapGroup("/api/rounds").WithTags("Rounds");
        rounds.MapGet("/current", GetCurrentAsync);
        rounds.MapGet("/{number:int}", GetAsync);
        rounds.MapPost("/", OpenAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        return routes;
    }

    /// <summary>The live file of the round to open; null takes the next one from the data folder.</summary>
    public sealed record OpenRoundRequest(string? LiveFile);

    /// <summary>A round as the API shows it; the staging folder stays inside the platform.</summary>
    public sealed record RoundResponse(int Number, DateTimeOffset OpenedAt, DateTimeOffset ClosesAt, string LiveFileSha256, int Rows, int FeatureCount)
    {
        public static RoundResponse From(RoundInfo round) =>
            new(round.Number, round.OpenedAt, round.ClosesAt, round.LiveFileSha256, round.Rows, round.FeatureCount);
    }

    private static async Task<Ok<RoundResponse>> GetCurrentAsync(IGrainFactory grains)
    {
        var rounds = grains.GetGrain<IRoundsGrain>(0);
        if (await rounds.GetCurrentAsync() is { } round)
        {
            return TypedResults.Ok(RoundResponse.From(round));
        }

        var next = await rounds.GetNextOpenTimeAsync();
        var when = next is { } opening
            ? $"The next round opens at {opening.UtcDateTime:yyyy-MM-dd HH:mm} UTC."
            : "No schedule is set, so rounds open only when an administrator opens one with POST /api/rounds.";
        throw new ModelUploadsException(ProblemKind.NotFound, "No round is open", $"No round is open. {when}");
    }

    private static async Task<Ok<RoundResponse>> GetAsync(int number, IGrainFactory grains)
    {
        var round = await grains.GetGrain<IRoundsGrain>(0).GetAsync(number)
            ?? throw ModelUploadsException.NotFound("Round", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Ok(RoundResponse.From(round));
    }

    private static async Task<Created<RoundResponse>> OpenAsync(OpenRoundRequest? request, IGrainFactory grains)
    {
        // Without a live file the round takes the data folder's next one, as the schedule would.
        var path = string.IsNullOrWhiteSpace(request?.LiveFile) ? null : Path.GetFullPath(request.LiveFile);
        var round = await grains.GetGrain<IRoundsGrain>(0).OpenAsync(path);
        return TypedResults.Created($"/api/rounds/{round.Number}", RoundResponse.From(round));
    }
}
