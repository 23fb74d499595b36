using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using ModelUploads.Errors;

namespace ModelUploads.Gateway.Problems;

/// <summary>
/// Turns exceptions into RFC 7807 ProblemDetails: a rejected request keeps its
/// own status and message, and a database or cluster outage becomes 503 with
/// Retry-After. Anything else is a 500 logged with its exception.
/// </summary>
internal sealed partial class ProblemExceptionHandler(
    IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ModelUploadsException rejected => new ProblemDetails
            {
                Status = StatusFor(rejected.Kind),
                Title = rejected.Title,
                Detail = rejected.Kind == ProblemKind.Unavailable ? $"{rejected.Message} Retry in {RetryAfterSeconds} seconds." : rejected.Message,
            },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "Bad request",
                Detail = bad.Message,
            },
            _ when IsOutage(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = $"The platform's database or cluster is unreachable, so nothing was changed. Retry in {RetryAfterSeconds} seconds.",
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "The request failed inside the platform. The error is logged; retry, and report it if it persists.",
            },
        };

        if (problem.Status >= 500)
        {
            LogRequestFailed(logger, exception, context.Request.Method, context.Request.Path, problem.Status.Value);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    public static int StatusFor(ProblemKind kind) => kind switch
    {
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status400BadRequest,
    };

    private static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException or TimeoutException)
            {
                return true;
            }

            // A database error raised in a silo arrives as Orleans' stand-in for a type the client cannot deserialize.
            if (current is Orleans.Serialization.UnavailableExceptionFallbackException fallback
                && fallback.ExceptionType?.Contains("Npgsql", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed with status {Status}")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string method, string path, int status);
}
