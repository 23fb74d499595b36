using System.Diagnostics;
using System.Net.Http.Headers;
using ModelUploads.Bench.Infrastructure;
using ModelUploads.Bench.Reporting;

namespace ModelUploads.Bench.Benchmarks;

/// <summary>
/// Latency of `GET /api/runs/{id}` under an open-loop load at a fixed request rate on loopback.
/// Each request's latency counts from the moment it was due, so a stalled gateway shows in the
/// figures instead of slowing the load down.
/// </summary>
public static class StatusLatencyBenchmark
{
    public const string Title = "Status reads";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static async Task<ReportSection> RunAsync(BenchmarkContext context)
    {
        var runId = context.FinishedRunId
            ?? throw new InvalidOperationException("the status benchmark reads a finished run, so the overhead benchmark must run before it");
        var rate = context.Scale.StatusRequestsPerSecond;
        var duration = context.Scale.StatusDuration;

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = context.Target.Gateway, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", context.Target.AdministratorKey);
        var path = $"/api/runs/{runId}";

        context.Progress($"status: warming up for {WarmUp.TotalSeconds:0} s at {rate} requests per second");
        await LoadAsync(client, path, rate, WarmUp);
        context.Progress($"status: {duration.TotalSeconds:0} s at {rate} requests per second");
        var load = await LoadAsync(client, path, rate, duration);
        return Report(rate, duration, load);
    }

    /// <summary>Sends requests at the rate for the duration and returns each one's latency and status.</summary>
    private static async Task<LoadResult> LoadAsync(HttpClient client, string path, int rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var requests = new Task<(double Milliseconds, bool Ok)>[count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            requests[i] = SendAsync(client, path, clock, due);
        }

        var sent = clock.Elapsed;
        var outcomes = await Task.WhenAll(requests);
        return new LoadResult(outcomes.Select(o => o.Milliseconds).ToArray(), outcomes.Count(o => !o.Ok), sent);
    }

    private static async Task<(double Milliseconds, bool Ok)> SendAsync(HttpClient client, string path, Stopwatch clock, TimeSpan due)
    {
        try
        {
            using var response = await client.GetAsync(path);
            await response.Content.ReadAsByteArrayAsync();
            return ((clock.Elapsed - due).TotalMilliseconds, response.IsSuccessStatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // A refused or timed-out request counts as an error, with the latency it had when it failed.
            return ((clock.Elapsed - due).TotalMilliseconds, false);
        }
    }

    private static ReportSection Report(int rate, TimeSpan duration, LoadResult load)
    {
        var p50 = Statistics.Percentile(load.Milliseconds, 0.50);
        var p99 = Statistics.Percentile(load.Milliseconds, 0.99);
        var section = new ReportSection(Title)
            .Paragraph(
                $"An open-loop load of {rate} requests per second for {duration.TotalSeconds:0} s (after a 1 s warm-up) reads one finished run "
                + "with an administrator's key, from the benchmark process on the same machine, so the load generator and the silo share its cores. "
                + "Latency counts from each request's due time to its whole response.")
            .Table(
                ["requests", "sent over", "errors", "p50", "p90", "p99", "max"],
                [[
                    Format.Number(load.Milliseconds.Count), Format.Seconds(load.Sent.TotalSeconds), Format.Number(load.Errors),
                    Format.Milliseconds(p50), Format.Milliseconds(Statistics.Percentile(load.Milliseconds, 0.90)),
                    Format.Milliseconds(p99), Format.Milliseconds(load.Milliseconds.Max()),
                ]]);

        section.Target(new TargetResult(
            $"p99 at {rate} requests per second", "under 20 ms", Format.Milliseconds(p99), p99 < 20 && load.Errors == 0,
            load.Errors > 0
                ? $"{load.Errors} requests failed."
                : $"The load generator and the silo share the machine's {Environment.ProcessorCount} cores."));
        return section;
    }

    private sealed record LoadResult(IReadOnlyCollection<double> Milliseconds, int Errors, TimeSpan Sent);
}
