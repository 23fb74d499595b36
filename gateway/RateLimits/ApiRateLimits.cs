using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using ModelUploads.Gateway.Auth;

namespace ModelUploads.Gateway.RateLimits;

/// <summary>
/// The gateway's global rate limiter: a fixed one-minute window per API key public id, and
/// per remote address for requests without a valid key. It runs after authentication, so a
/// request is counted against the key it proved it holds, never against a key it only names.
/// A rejected request gets 429 with Retry-After and a ProblemDetails body.
/// </summary>
internal static partial class ApiRateLimits
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var publicId = context.User.FindFirstValue(Caller.PublicIdClaim);
            return publicId is not null
                ? RateLimitPartition.GetFixedWindowLimiter($"key:{publicId}", _ => WindowOf(limits.PermitsPerMinute))
                : RateLimitPartition.GetFixedWindowLimiter($"address:{context.Connection.RemoteIpAddress}", _ => WindowOf(limits.AnonymousPermitsPerMinute));
        });
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, cancellationToken) => RejectAsync(context, limits);
    }

    private static FixedWindowRateLimiterOptions WindowOf(int permits) => new()
    {
        PermitLimit = permits,
        Window = Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimitOptions limits)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var publicId = http.User.FindFirstValue(Caller.PublicIdClaim);
        var limitText = publicId is null
            ? $"Requests without a valid API key from {http.Connection.RemoteIpAddress} are limited to {limits.AnonymousPermitsPerMinute} per minute"
            : $"The API key '{publicId}' is limited to {limits.PermitsPerMinute} requests per minute";

        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiRateLimits).FullName!);
        LogRejected(logger, publicId, http.Connection.RemoteIpAddress, http.Request.Method, http.Request.Path);

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"{limitText}, and this request went over the limit. Retry in {seconds} seconds, and space requests out, "
                    + "for example by polling a run less often.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rate limit rejected {Method} {Path} of API key {PublicId} from {RemoteAddress}")]
    private static partial void LogRejected(ILogger logger, string? publicId, System.Net.IPAddress? remoteAddress, string method, PathString path);
}
